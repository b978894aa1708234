import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app/services.ts';
import { PROJECT_ROOT } from '../project-root.ts';

/** The Next.js app; `npm run build` writes its production build to web/.next. */
export const WEB_DIR = path.join(PROJECT_ROOT, 'web');
const BUILD_ID_FILE = `${WEB_DIR}/.next/BUILD_ID`;

/**
 * Request header that carries the origin of this server's GraphQL API to the portal. The
 * portal's server code calls the API over HTTP like any other client. Wharf
 * overwrites the header on every request, so a client cannot point the portal
 * elsewhere.
 */
export const API_ORIGIN_HEADER = 'x-wharf-api-origin';

/**
 * Paths that belong to the APIs. Unknown paths under them get a JSON 404 rather
 * than the portal's HTML page. `/api/auth/` is next-auth's and goes to the portal.
 */
const API_PREFIXES = ['/v2', '/service/', '/api/', '/graphql', '/chartrepo/', '/healthz', '/readyz', '/metrics'];
const PORTAL_API_PREFIX = '/api/auth/';

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

function isApiPath(path: string): boolean {
  if (path.startsWith(PORTAL_API_PREFIX)) return false;
  return API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
}

/** Returns the local address and port of the request's socket, which reach this same server. */
function localAddress(request: FastifyRequest): { hostname: string; port: number } {
  const { localAddress: address = '127.0.0.1', localPort = 0 } = request.raw.socket;
  return { hostname: address.replace(/^::ffff:/, ''), port: localPort };
}

function localOrigin(request: FastifyRequest): string {
  const { hostname, port } = localAddress(request);
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return `http://${host}:${port}`;
}

/**
 * Derives the key that encrypts portal sessions from the oldest token-signing key,
 * so every instance sharing the database derives the same one. WHARF_SESSION_SECRET
 * replaces it, for example to keep sessions across a signing-key rotation.
 */
async function deriveSessionSecret(services: Services): Promise<string> {
  const configured = process.env.WHARF_SESSION_SECRET;
  if (configured) return configured;

  const key = await services.db.prisma.signingKey.findFirstOrThrow({
    orderBy: [{ createdAt: 'asc' }, { kid: 'asc' }],
    select: { privateKey: true },
  });
  return createHmac('sha256', key.privateKey).update('wharf portal session').digest('base64url');
}

/**
 * Loads the Next.js production build on first use, so that processes which never
 * serve a page (tests, the command line) do not pay for it.
 */
async function loadNext(services: Services, local: { hostname: string; port: number }): Promise<RequestHandler> {
  // next-auth reads its settings from the environment. NEXTAUTH_URL decides the
  // cookie names and whether cookies are marked Secure, so it follows WHARF_EXTERNAL_URL.
  process.env.NEXTAUTH_URL ??= `${services.config.externalUrl}/api/auth`;
  process.env.NEXTAUTH_SECRET ??= await deriveSessionSecret(services);

  // next is CommonJS and sets module.exports to createServer, so Node's default
  // export is that function. NodeNext types describe the module object instead,
  // whose `default` property has the function's type.
  const nextModule = await import('next');
  const createNextServer = nextModule.default as unknown as typeof nextModule.default.default;
  // Next fetches the target of a server action's redirect from itself, at this
  // hostname and port, so it must be an address this server listens on.
  const app = createNextServer({ dir: WEB_DIR, dev: false, quiet: true, customServer: true, ...local });
  await app.prepare();
  return app.getRequestHandler();
}

function sendNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0];
  return reply.code(404).type('application/json').send({ error: `no route for ${request.method} ${path}` });
}

/**
 * Handles every request that no API route matched: API paths get a JSON 404 and
 * everything else goes to the Next.js portal. Request bodies reach Next unread.
 */
export async function registerPortal(app: FastifyInstance, services: Services): Promise<void> {
  let handler: Promise<RequestHandler> | undefined;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isApiPath(path)) return sendNotFound(request, reply);

    if (!existsSync(BUILD_ID_FILE)) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The portal is not built. Run `npm run build` and restart Wharf.\n');
    }

    handler ??= loadNext(services, localAddress(request)).catch((error: unknown) => {
      handler = undefined;
      throw error;
    });
    const handle = await handler;

    request.raw.headers[API_ORIGIN_HEADER] = localOrigin(request);
    reply.hijack();
    try {
      await handle(request.raw, reply.raw);
    } catch (error) {
      request.log.error({ err: error, path }, 'portal request failed');
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      reply.raw.end('Internal server error\n');
    }
    return reply;
  });
}
