import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, isWharfError, WharfError } from '../errors/catalog.ts';

/**
 * Sends an error in the OCI format, `{"errors":[{code,message,detail}]}`. Errors
 * that are not WharfErrors are logged and reported as a bare 500 so no internal
 * detail reaches the client. HEAD responses carry no body.
 */
export function sendRegistryError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const wharfError = isWharfError(error) ? error : undefined;
  if (!wharfError) request.log.error({ err: error }, 'registry request failed');

  const known = wharfError ?? new WharfError('INTERNAL_ERROR');
  const code = known.code === 'INTERNAL_ERROR' ? 'UNKNOWN' : known.code;
  const body = {
    errors: [{ code, message: known.message, detail: known.detail ?? {} }],
  };

  reply.code(known.status);
  if (known.status >= 500) reply.header('retry-after', '1');
  if (request.method === 'HEAD') return reply.header('content-length', '0').send();
  return reply.type('application/json').send(JSON.stringify(body));
}

/** Status of every catalog entry that the registry uses, for tests and docs. */
export const REGISTRY_ERROR_STATUS = Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, entry]) => [code, entry.status]));
