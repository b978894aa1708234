import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app/services.ts';
import { createContext, type GraphqlContext } from './context.ts';
import { createErrorFormatter } from './errors.ts';
import { costLimitPlugin, depthLimitRule } from './limits.ts';
import { registryTokenGuardPlugin } from './registry-token-guard.ts';
import { buildGraphqlSchema } from './schema.ts';

/** A started Apollo server and the Fastify handler that feeds it requests. */
export interface ApolloEndpoint {
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Builds the schema and starts Apollo. Error details and stack traces reach
 * clients only with NODE_ENV=development. Introspection stays on because tools
 * and the portal generate their types from it.
 */
export async function startApolloEndpoint(services: Services): Promise<ApolloEndpoint> {
  const development = process.env.NODE_ENV === 'development';
  const schema = await buildGraphqlSchema();
  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: development,
    formatError: createErrorFormatter(services.logger, development),
    validationRules: [depthLimitRule()],
    plugins: [costLimitPlugin(schema), registryTokenGuardPlugin()],
    // Wharf stops Apollo itself on SIGINT and SIGTERM. Apollo's own handler would
    // signal the process again and end it before the database closes.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // The integration types its handler for its own route generics and `this`. It
  // uses neither, so the route in plugin.ts calls it as a plain function.
  const handler = fastifyApolloHandler(apollo, {
    context: async (request) => createContext(services, request),
  }) as unknown as ApolloEndpoint['handler'];
  return { handler, stop: () => apollo.stop() };
}
