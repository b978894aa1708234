import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, InvalidCredentialsError, TooManyAttemptsError } from '../../api/access/caller.ts';
import type { Permission } from '../../api/access/permissions.ts';
import type { Services } from '../../api/app/services.ts';
import { WharfError } from '../../api/errors/catalog.ts';

export type ChartAction = 'read' | 'upload' | 'delete';

/**
 * The permission each chart action needs. With the default roles, guests
 * read, developers and up upload, and maintainers and up delete.
 */
const CHART_PERMISSION: Record<ChartAction, Permission> = {
  read: 'chart:read',
  upload: 'chart:upload',
  delete: 'chart:delete',
};

/** Whether the caller may perform the chart action in the project. */
export async function mayActOnCharts(services: Services, caller: Caller, project: string, action: ChartAction): Promise<boolean> {
  return services.access.can(caller, project, CHART_PERMISSION[action]);
}

/** Basic challenge: `helm repo add --username/--password` and `helm cm-push` send HTTP Basic. */
function challenge(reply: FastifyReply): void {
  reply.header('www-authenticate', 'Basic realm="Wharf chart repository"');
}

/**
 * Resolves the caller from HTTP Basic or Bearer credentials. Invalid
 * credentials raise UNAUTHORIZED, and so does a registry token from
 * /service/token. Such a token carries repository scopes only, so accepting it
 * here would give a token for pulling one repository its owner's full rights
 * over every chart.
 */
export async function identifyChartCaller(services: Services, request: FastifyRequest, reply: FastifyReply): Promise<Caller> {
  try {
    const caller = await services.callers.resolve(request.headers.authorization, request.ip);
    if (caller.credential === 'registry-token') throw new InvalidCredentialsError('registry tokens are for /v2/ only');
    return caller;
  } catch (error) {
    if (error instanceof TooManyAttemptsError) {
      reply.header('retry-after', String(error.retryAfterSeconds));
      throw new WharfError('TOO_MANY_REQUESTS', error.message);
    }
    if (!(error instanceof InvalidCredentialsError)) throw error;
    challenge(reply);
    throw new WharfError('UNAUTHORIZED', 'authentication failed: invalid or expired credentials');
  }
}

/**
 * Raises unless the caller may act on the project's charts: 401 with a
 * challenge for anonymous callers, 403 otherwise. A project that does not
 * exist gets the same response as one the caller may not see.
 */
export async function requireChartAccess(services: Services, reply: FastifyReply, caller: Caller, project: string, action: ChartAction): Promise<void> {
  if (await mayActOnCharts(services, caller, project, action)) return;
  if (caller.kind === 'anonymous') {
    challenge(reply);
    throw new WharfError('UNAUTHORIZED', 'authentication required');
  }
  throw new WharfError('DENIED', `project "${project}" does not exist or you may not ${action} its charts`);
}
