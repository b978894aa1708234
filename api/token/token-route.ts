import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, InvalidCredentialsError, TooManyAttemptsError } from '../access/caller.ts';
import type { Services } from '../app/services.ts';
import { parseScopes } from './scopes.ts';
import { REGISTRY_SERVICE } from './token-service.ts';

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify({ errors: [{ code, message, detail: {} }] }));
}

/** Resolves the credentials of a token request; replies and returns undefined when they are rejected. */
async function authenticate(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  resolve: () => Promise<Caller>,
): Promise<Caller | undefined> {
  try {
    return await resolve();
  } catch (error) {
    if (error instanceof TooManyAttemptsError) {
      reply.header('retry-after', String(error.retryAfterSeconds));
      sendError(reply, 429, 'TOO_MANY_REQUESTS', error.message);
      return undefined;
    }
    if (error instanceof InvalidCredentialsError) {
      reply.header('www-authenticate', `Basic realm="${services.config.externalUrl}/service/token"`);
      sendError(reply, 401, 'UNAUTHORIZED', 'invalid credentials');
      return undefined;
    }
    throw error;
  }
}

/**
 * The Docker token service at /service/token: GET with HTTP Basic (or none, for
 * anonymous pulls) as docker, podman, skopeo, crane, oras and helm send it, and
 * POST with the OAuth2 password grant that containerd uses.
 */
export async function registerTokenRoute(app: FastifyInstance, services: Services): Promise<void> {
  // Bodies Fastify cannot parse: the OAuth2 error format for the POST grant, the
  // registry's error format otherwise.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'token request failed');
      return sendError(reply, 500, 'UNKNOWN', 'internal server error');
    }
    if (request.method === 'POST') return reply.code(status).send({ error: 'invalid_request', error_description: error.message });
    return sendError(reply, status, 'INVALID_INPUT', error.message);
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get<{ Querystring: Record<string, string | string[]> }>('/service/token', async (request, reply) => {
    const query = new URL(request.url, 'http://token.invalid').searchParams;
    const service = query.get('service');
    if (service !== null && service !== REGISTRY_SERVICE) {
      return sendError(reply, 400, 'INVALID_INPUT', `unknown service "${service}"; this token service issues tokens for "${REGISTRY_SERVICE}"`);
    }

    const caller = await authenticate(services, request, reply, async () => {
      const resolved = await services.callers.resolve(request.headers.authorization, request.ip);
      // A registry token proves only the access it carries. Exchanging it would turn a
      // narrow token into one for everything its owner may do, renewable forever.
      if (resolved.credential === 'registry-token') throw new InvalidCredentialsError('a registry token cannot be exchanged for another');
      return resolved;
    });
    if (!caller) return reply;

    const issued = await services.tokens.issue(caller, parseScopes(query.getAll('scope')));
    return reply.type('application/json').send({
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt.toISOString(),
    });
  });

  app.post<{ Body: Record<string, string> | undefined }>('/service/token', async (request, reply) => {
    const form = request.body ?? {};
    if (form.grant_type !== 'password') {
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'only the password grant is supported; use GET for other flows' });
    }
    if (form.service !== undefined && form.service !== REGISTRY_SERVICE) {
      return reply.code(400).send({ error: 'invalid_request', error_description: `unknown service "${form.service}"` });
    }

    const caller = await authenticate(services, request, reply, () =>
      services.callers.authenticate(form.username ?? '', form.password ?? '', request.ip),
    );
    if (!caller) return reply;

    const issued = await services.tokens.issue(caller, parseScopes([form.scope ?? '']));
    return reply.type('application/json').send({
      access_token: issued.token,
      token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt.toISOString(),
      scope: form.scope ?? '',
    });
  });
}
