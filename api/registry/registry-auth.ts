import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RegistryAction } from '../access/authorize.ts';
import { type Caller, InvalidCredentialsError, tokenGrants, TooManyAttemptsError } from '../access/caller.ts';
import type { Services } from '../app/services.ts';
import { WharfError } from '../errors/catalog.ts';
import { REGISTRY_SERVICE } from '../token/token-service.ts';
import { projectOf } from './names.ts';

/** Actions a client should ask for in its next token, as Distribution words them. */
const CHALLENGE_ACTIONS: Record<RegistryAction, string> = { pull: 'pull', push: 'pull,push', delete: 'delete' };

/**
 * Sets the Bearer challenge pointing at the token service. `scope` names the
 * access the request needs; `error` tells the client why its token failed.
 */
export function setChallenge(
  services: Services,
  reply: FastifyReply,
  scope?: { repository: string; action: RegistryAction },
  error?: 'invalid_token' | 'insufficient_scope',
): void {
  const parts = [`realm="${services.config.externalUrl}/service/token"`, `service="${REGISTRY_SERVICE}"`];
  if (scope) parts.push(`scope="repository:${scope.repository}:${CHALLENGE_ACTIONS[scope.action]}"`);
  if (error) parts.push(`error="${error}"`);
  reply.header('www-authenticate', `Bearer ${parts.join(',')}`);
}

/** Resolves the caller; rejected credentials raise UNAUTHORIZED with a challenge. */
export async function identifyCaller(services: Services, request: FastifyRequest, reply: FastifyReply): Promise<Caller> {
  try {
    return await services.callers.resolve(request.headers.authorization, request.ip);
  } catch (error) {
    if (error instanceof TooManyAttemptsError) {
      reply.header('retry-after', String(error.retryAfterSeconds));
      throw new WharfError('TOO_MANY_REQUESTS', error.message);
    }
    if (!(error instanceof InvalidCredentialsError)) throw error;
    const bearer = request.headers.authorization?.toLowerCase().startsWith('bearer ');
    setChallenge(services, reply, undefined, bearer ? 'invalid_token' : undefined);
    throw new WharfError('UNAUTHORIZED', 'authentication failed: invalid or expired credentials');
  }
}

/** True when the caller may act on the repository now and its token, if any, covers the action. */
export async function callerMay(services: Services, caller: Caller, repository: string, action: RegistryAction): Promise<boolean> {
  return tokenGrants(caller, repository, action) && (await services.access.allows(caller, projectOf(repository), action));
}

/**
 * Raises unless the caller may act on the repository. A token that lacks the
 * scope while the caller has the permission gets 401 `insufficient_scope`, so
 * the client fetches a wider token. Otherwise anonymous callers get 401 and
 * known callers 403, the same whether the project exists or not, so a private
 * project stays invisible.
 */
export async function requireAccess(
  services: Services,
  reply: FastifyReply,
  caller: Caller,
  repository: string,
  action: RegistryAction,
): Promise<void> {
  const allowed = await services.access.allows(caller, projectOf(repository), action);
  const granted = tokenGrants(caller, repository, action);
  if (allowed && granted) return;

  const scope = { repository, action };
  if (allowed || caller.kind === 'anonymous') {
    setChallenge(services, reply, scope, allowed ? 'insufficient_scope' : undefined);
    throw new WharfError('UNAUTHORIZED', 'authentication required', [{ type: 'repository', name: repository, action }]);
  }
  throw new WharfError('DENIED', `requested access to ${repository} is denied`);
}
