import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/services.ts';

export interface Readiness {
  /** Set once migrations are applied and start-up data exists. */
  ready: boolean;
}

/** /healthz checks the database and storage; /readyz also waits for migrations. */
export async function registerHealth(app: FastifyInstance, services: Services, readiness: Readiness): Promise<void> {
  app.get('/healthz', async (request, reply) => {
    try {
      await services.db.prisma.$queryRawUnsafe('SELECT 1');
      await services.storage.stat('healthz');
      return reply.send({ status: 'ok' });
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.get('/readyz', async (_request, reply) => {
    if (!readiness.ready) return reply.code(503).send({ status: 'starting' });
    return reply.send({ status: 'ready' });
  });
}
