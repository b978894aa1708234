import type { FastifyReply } from 'fastify';
import type { RegistryAction } from '../access/authorize.ts';
import { type Caller, InvalidCredentialsError } from '../access/caller.ts';
import type { Services } from '../app/services.ts';
import { WharfError } from '../errors/catalog.ts';
import { projectOf } from './names.ts';

/** Sets the challenge that makes clients send credentials. */
export function setChallenge(reply: FastifyReply): void {
  reply.header('www-authenticate', 'Basic realm="Wharf"');
}

/** Resolves the caller; wrong credentials raise UNAUTHORIZED with a challenge. */
export async function identifyCaller(services: Services, reply: FastifyReply, authorization: string | undefined): Promise<Caller> {
  try {
    return await services.callers.resolve(authorization);
  } catch (error) {
    if (!(error instanceof InvalidCredentialsError)) throw error;
    setChallenge(reply);
    throw new WharfError('UNAUTHORIZED', 'invalid username or password');
  }
}

/**
 * Raises unless the caller may act on the repository. Anonymous callers get 401
 * with a challenge, known callers 403; a project the caller cannot read answers
 * the same whether it exists or not.
 */
export async function requireAccess(
  services: Services,
  reply: FastifyReply,
  caller: Caller,
  repositoryName: string,
  action: RegistryAction,
): Promise<void> {
  if (await services.access.allows(caller, projectOf(repositoryName), action)) return;

  if (caller.kind === 'anonymous') {
    setChallenge(reply);
    throw new WharfError('UNAUTHORIZED', 'authentication required', [{ type: 'repository', name: repositoryName, action }]);
  }
  throw new WharfError('DENIED', `requested access to ${repositoryName} is denied`);
}
