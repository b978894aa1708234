import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Services } from '../app/services.ts';
import { createContext, type GraphqlContext } from './context.ts';
import { createErrorFormatter } from './errors.ts';
import { costLimitPlugin, depthLimitRule } from './limits.ts';
import { registryTokenGuardPlugin } from './registry-token-guard.ts';
import { buildGraphqlSchema } from './schema.ts';

/**
 * Mounts the GraphQL API at /graphql (GET and POST). Error details and stack
 * traces reach clients only with NODE_ENV=development; introspection stays on
 * because tools and the portal generate their types from it.
 */
export async function registerGraphql(app: FastifyInstance, services: Services): Promise<void> {
  const development = process.env.NODE_ENV === 'development';
  const schema = await buildGraphqlSchema();
  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: development,
    formatError: createErrorFormatter(services.logger, development),
    validationRules: [depthLimitRule()],
    plugins: [costLimitPlugin(schema), registryTokenGuardPlugin()],
  });
  await apollo.start();
  // Fastify drains connections itself when Wharf stops, so Apollo gets no drain plugin.
  app.addHook('onClose', async () => {
    await apollo.stop();
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

  const handler = fastifyApolloHandler(apollo, { context: async (request) => createContext(services, request) });
  app.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/graphql', handler });
}
