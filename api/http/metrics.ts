import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics: process defaults plus request durations by route kind and status. */
export async function registerMetrics(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const durations = new Histogram({
    name: 'wharf_http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'area', 'status'],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    const area = request.url.startsWith('/v2') ? 'registry' : request.url.split('/')[1] || 'root';
    durations.observe({ method: request.method, area, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
