import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isWharfError } from '../../api/errors/catalog.ts';
import { ChartInvalidError } from '../chart/chart-invalid-error.ts';

/**
 * Sends an error as ChartMuseum does, `{"error": "..."}`. Unknown errors are
 * logged and reported as a bare 500 so no internal detail reaches the client.
 */
export function sendChartError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let status = 500;
  let message = 'internal server error';
  if (error instanceof ChartInvalidError) {
    status = error.status;
    message = error.message;
  } else if (isWharfError(error)) {
    status = error.status;
    message = error.message;
  } else {
    const fastifyError = error as Partial<FastifyError>;
    const known = typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500;
    if (known) {
      status = fastifyError.statusCode!;
      message = fastifyError.message ?? 'invalid request';
    }
  }

  if (status >= 500) request.log.error({ err: error }, 'chart repository request failed');
  reply.code(status);
  if (request.method === 'HEAD') return reply.send();
  return reply.type('application/json').send(JSON.stringify({ error: message }));
}
