import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/services.ts';
import { runCommand } from './commands/index.ts';
import { tokensMatch } from './server-file.ts';

/**
 * POST /api/internal/cli runs a CLI command in this server, for a CLI that
 * cannot open the embedded database itself. Only callers holding the token from
 * the data folder's server.json may use it.
 */
export async function registerCliRoute(app: FastifyInstance, services: Services, token: () => string | undefined): Promise<void> {
  app.post<{ Body: { args?: unknown } }>('/api/internal/cli', async (request, reply) => {
    const expected = token();
    if (!expected || !tokensMatch(expected, request.headers['x-wharf-cli-token'] as string | undefined)) {
      return reply.code(401).send({ error: 'invalid or missing CLI token' });
    }
    const args = request.body?.args;
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
      return reply.code(400).send({ error: 'body must be {"args": [string, ...]}' });
    }
    return reply.send(await runCommand(args, services));
  });
}
