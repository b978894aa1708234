import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Services } from '../app/services.ts';
import { registerGraphql } from '../graphql/plugin.ts';
import { registerChartRoutes } from '../../charts-repo/http/routes.ts';
import { registerRegistry } from '../registry/router.ts';
import { registerTokenRoute } from '../token/token-route.ts';
import { type Readiness, registerHealth } from './health.ts';
import { registerMetrics } from './metrics.ts';
import { registerPortal } from './portal.ts';
import { registerScanRoutes } from '../scan/http/report-route.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Repository the request touched, for the request log line. */
    repository?: string;
  }
}

/**
 * Builds the HTTP application: registry, token service, health, metrics and the
 * portal. One log line per request, written when the response ends.
 */
export async function buildServer(services: Services, readiness: Readiness): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Registry routes read their bodies as streams; this only bounds the other routes.
    bodyLimit: 1024 * 1024,
    requestTimeout: 0,
    forceCloseConnections: true,
  });

  app.addHook('onResponse', async (request, reply) => {
    const line = {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(request.repository ? { repository: request.repository } : {}),
    };
    if (reply.statusCode >= 500) request.log.error(line, 'request completed');
    else request.log.info(line, 'request completed');
  });

  await registerMetrics(app);
  await registerHealth(app, services, readiness);
  await app.register(async (scope) => registerRegistry(scope, services));
  await app.register(async (scope) => registerTokenRoute(scope, services));
  await app.register(async (scope) => registerGraphql(scope, services));
  await app.register(async (scope) => registerChartRoutes(scope, services));
  await app.register(async (scope) => registerScanRoutes(scope, services));

  // The portal serves every request that no route matched.
  await app.register(async (scope) => registerPortal(scope, services));
  return app;
}
