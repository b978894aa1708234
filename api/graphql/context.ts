import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { type Caller, ANONYMOUS, InvalidCredentialsError, TooManyAttemptsError } from '../access/caller.ts';
import type { Services } from '../app/services.ts';
import { type CatalogReaders, createCatalogReaders } from '../catalog/index.ts';
import { LabelService } from '../labels/label-service.ts';
import { createLoaders, type Loaders } from './loaders.ts';

/** What every resolver of one GraphQL request receives. */
export interface GraphqlContext {
  services: Services;
  caller: Caller;
  /** Client address, for the audit log. */
  clientIp: string;
  /** Batched reads of repositories, artifacts, charts and search. */
  catalog: CatalogReaders;
  labels: LabelService;
  loaders: Loaders;
}

/**
 * Resolves the caller from the portal's session cookie. The portal's sign-in
 * does not exist yet, so this finds no session and returns undefined.
 *
 * TODO: read and verify the portal's session cookie once the portal issues one.
 */
export async function resolveSessionCaller(_services: Services, _request: FastifyRequest): Promise<Caller | undefined> {
  return undefined;
}

/**
 * Builds the context of one request. An Authorization header (Bearer registry
 * token, Bearer personal access token or HTTP Basic) takes precedence over a
 * portal session. A request with neither is anonymous. Credentials that were sent
 * but rejected end the request with UNAUTHENTICATED (HTTP 401) instead of
 * falling back to anonymous, so a client notices an expired token.
 *
 * NOTE: a registry token from /service/token identifies its user or robot
 * here with all of their rights to read, not only the repository scopes it
 * carries. registryTokenGuardPlugin rejects its mutations.
 */
export async function createContext(services: Services, request: FastifyRequest): Promise<GraphqlContext> {
  const caller = await resolveCaller(services, request);
  const catalog = createCatalogReaders(services.db.prisma, services.storage, services.logger);
  // NOTE: labels are only managed through GraphQL, so the service is made here rather than in api/app/services.ts.
  const labels = new LabelService(services.db.prisma);
  return { services, caller, clientIp: request.ip, catalog, labels, loaders: createLoaders(services, caller, catalog, labels) };
}

async function resolveCaller(services: Services, request: FastifyRequest): Promise<Caller> {
  const authorization = request.headers.authorization;
  if (!authorization) return (await resolveSessionCaller(services, request)) ?? ANONYMOUS;

  try {
    return await services.callers.resolve(authorization, request.ip);
  } catch (error) {
    if (error instanceof TooManyAttemptsError) {
      throw new GraphQLError(error.message, {
        extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: error.retryAfterSeconds, http: { status: 429 } },
      });
    }
    if (error instanceof InvalidCredentialsError) {
      throw new GraphQLError('authentication failed: invalid or expired credentials', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
    throw error;
  }
}
