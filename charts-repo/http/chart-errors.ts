import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isWharfError } from '../../api/errors/catalog.ts';
import { ChartInvalidError } from '../chart/chart-invalid-error.ts';

/** Fastify and @fastify/multipart codes for a request body or file over its size limit. */
const TOO_LARGE_CODES = new Set(['FST_ERR_CTP_BODY_TOO_LARGE', 'FST_REQ_FILE_TOO_LARGE']);

/** Reads the status and message a client may see from a Fastify 4xx error, or undefined for anything else. */
function clientErrorOf(error: unknown, maxArchiveBytes: number): { status: number; message: string } | undefined {
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (fastifyError.code && TOO_LARGE_CODES.has(fastifyError.code)) {
    return { status: 413, message: `the chart archive is over the ${maxArchiveBytes}-byte limit, which the server's WHARF_CHART_MAX_BYTES sets` };
  }
  return { status, message: fastifyError.message ?? 'invalid request' };
}

/**
 * Sends an error as ChartMuseum does, `{"error": "..."}`. Unknown errors are
 * logged and reported as a bare 500 so no internal detail reaches the client.
 */
export function sendChartError(error: unknown, request: FastifyRequest, reply: FastifyReply, maxArchiveBytes: number): FastifyReply {
  let status = 500;
  let message = 'internal server error';
  const clientError = clientErrorOf(error, maxArchiveBytes);
  if (error instanceof ChartInvalidError || isWharfError(error)) {
    status = error.status;
    message = error.message;
  } else if (clientError) {
    status = clientError.status;
    message = clientError.message;
  }

  if (status >= 500) request.log.error({ err: error }, 'chart repository request failed');
  reply.code(status);
  if (request.method === 'HEAD') return reply.send();
  return reply.type('application/json').send(JSON.stringify({ error: message }));
}
