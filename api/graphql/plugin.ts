import type { FastifyError, FastifyInstance } from 'fastify';
import type { Services } from '../app/services.ts';
import type { ApolloEndpoint } from './apollo-handler.ts';

/**
 * Mounts the GraphQL API at /graphql (GET and POST). Apollo, type-graphql and
 * the schema load on the first GraphQL request, so a registry that serves only
 * images does not hold them (about 40 MiB of resident memory, measured at start).
 */
export async function registerGraphql(app: FastifyInstance, services: Services): Promise<void> {
  let endpoint: Promise<ApolloEndpoint> | undefined;
  let closing = false;
  const start = () => {
    // A request still running while Wharf stops must not start an Apollo server that nothing stops.
    if (closing) return Promise.reject(new Error('Wharf is shutting down, so GraphQL does not start'));
    endpoint ??= import('./apollo-handler.ts').then(({ startApolloEndpoint }) => startApolloEndpoint(services));
    // A failed start is retried by the next request instead of failing every later one.
    endpoint.catch(() => (endpoint = undefined));
    return endpoint;
  };

  // Fastify drains connections itself when Wharf stops, so Apollo gets no drain plugin.
  app.addHook('onClose', async () => {
    closing = true;
    const started = await endpoint?.catch(() => undefined);
    await started?.stop();
  });

  // Bodies Fastify cannot parse (invalid JSON, over the size limit) never reach
  // Apollo, so this handler returns them in GraphQL's error format too.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'GraphQL request failed');
    const message = status >= 500 ? 'internal server error' : error.message;
    const code = status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    return reply.code(status).type('application/json').send({ errors: [{ message, extensions: { code } }] });
  });

  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: async (request, reply) => (await start()).handler(request, reply),
  });
}
