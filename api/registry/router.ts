import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RegistryAction } from '../access/authorize.ts';
import type { Caller } from '../access/caller.ts';
import { actorOf } from '../audit/audit-service.ts';
import type { Services } from '../app/services.ts';
import { WharfError } from '../errors/catalog.ts';
import { deleteBlob, getBlob } from './blob-handlers.ts';
import type { RegistryContext } from './context.ts';
import { sendRegistryError } from './errors.ts';
import { listCatalog, listReferrers, listTags } from './listing-handlers.ts';
import { deleteManifest, getManifest, putManifest } from './manifest-handlers.ts';
import { isValidRepositoryName, parseRegistryPath, projectOf, type RegistryRoute } from './names.ts';
import { identifyCaller, requireAccess, setChallenge } from './registry-auth.ts';
import { appendChunk, cancelUpload, completeUpload, getUploadStatus, startUpload } from './upload-handlers.ts';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a request needs: the action it checks, and the handler that serves it. */
interface Operation {
  action: RegistryAction;
  run: (context: RegistryContext) => Promise<void>;
}

function unsupported(): never {
  throw new WharfError('UNSUPPORTED', 'method not allowed on this path');
}

/** Maps a route and method to an operation; raises UNSUPPORTED for a method the path lacks. */
function selectOperation(route: Exclude<RegistryRoute, { kind: 'base' | 'catalog' }>, method: Method): Operation {
  switch (route.kind) {
    case 'tags':
      if (method === 'GET' || method === 'HEAD') return { action: 'pull', run: listTags };
      return unsupported();
    case 'referrers':
      if (method === 'GET') return { action: 'pull', run: (context) => listReferrers(context, route.digest) };
      return unsupported();
    case 'manifest':
      if (method === 'GET' || method === 'HEAD') return { action: 'pull', run: (context) => getManifest(context, route.reference) };
      if (method === 'PUT') return { action: 'push', run: (context) => putManifest(context, route.reference) };
      if (method === 'DELETE') return { action: 'delete', run: (context) => deleteManifest(context, route.reference) };
      return unsupported();
    case 'blob':
      if (method === 'GET' || method === 'HEAD') return { action: 'pull', run: (context) => getBlob(context, route.digest) };
      if (method === 'DELETE') return { action: 'delete', run: (context) => deleteBlob(context, route.digest) };
      return unsupported();
    case 'upload-start':
      if (method === 'POST') return { action: 'push', run: startUpload };
      return unsupported();
    case 'upload':
      // Cancelling an upload needs only push: podman cancels stray sessions with a push token.
      if (method === 'PATCH') return { action: 'push', run: (context) => appendChunk(context, route.uploadId) };
      if (method === 'PUT') return { action: 'push', run: (context) => completeUpload(context, route.uploadId) };
      if (method === 'GET' || method === 'HEAD') return { action: 'push', run: (context) => getUploadStatus(context, route.uploadId) };
      if (method === 'DELETE') return { action: 'push', run: (context) => cancelUpload(context, route.uploadId) };
      return unsupported();
    default: {
      const exhaustive: never = route;
      return exhaustive;
    }
  }
}

async function handle(services: Services, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const url = new URL(request.url, 'http://registry.invalid');
  const route = parseRegistryPath(url.pathname);
  const method = request.method as Method;
  const caller = await identifyCaller(services, request, reply);
  const base = { services, request, reply, caller, query: url.searchParams };

  if (!route) {
    throw new WharfError('NOT_FOUND', `no registry endpoint at ${url.pathname}`);
  }
  if (route.kind === 'base') {
    // Clients such as podman pick the auth scheme from this response alone.
    if (caller.kind === 'anonymous' && caller.credential === 'none') {
      setChallenge(services, reply);
      throw new WharfError('UNAUTHORIZED', 'authentication required');
    }
    await reply.type('application/json').send('{}');
    return;
  }
  if (route.kind === 'catalog') {
    if (method !== 'GET') unsupported();
    await listCatalog({ ...base, name: '' });
    return;
  }

  if (!isValidRepositoryName(route.name)) {
    // A malformed name cannot hold a manifest; the conformance suite expects 404 for such lookups.
    if (route.kind === 'manifest' && (method === 'GET' || method === 'HEAD')) {
      throw new WharfError('NAME_UNKNOWN', `repository ${route.name} not found`, { name: route.name });
    }
    services.repositories.validateName(route.name);
  }
  request.repository = route.name;

  const operation = selectOperation(route, method);
  await requireAccess(services, reply, caller, route.name, operation.action);
  await operation.run({ ...base, name: route.name });
  recordAudit(services, request, reply, caller, route, method);
}

/** Writes manifest pushes, pulls and deletes and blob deletes to the audit log once they succeeded. */
function recordAudit(services: Services, request: FastifyRequest, reply: FastifyReply, caller: Caller, route: RegistryRoute, method: Method): void {
  if (reply.statusCode >= 400 || (route.kind !== 'manifest' && route.kind !== 'blob')) return;
  const reference = route.kind === 'manifest' ? route.reference : route.digest;
  const entry = { ...actorOf(caller), clientIp: request.ip, resource: `${route.name}@${reference}`, project: projectOf(route.name) };

  if (route.kind === 'manifest' && method === 'GET') services.audit.recordPull({ ...entry, action: 'pull' });
  else if (route.kind === 'manifest' && method === 'PUT') void services.audit.record({ ...entry, action: 'push' });
  else if (method === 'DELETE') void services.audit.record({ ...entry, action: 'delete' });
}

/** Mounts the OCI Distribution API under /v2/. Request bodies reach handlers unread. */
export async function registerRegistry(app: FastifyInstance, services: Services): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // Set when the request arrives, so replies that bypass Fastify's send (blob downloads) carry it too.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('docker-distribution-api-version', 'registry/2.0');
  });

  const methods: Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  for (const path of ['/v2', '/v2/', '/v2/*']) {
    app.route({
      method: methods,
      url: path,
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        try {
          await handle(services, request, reply);
        } catch (error) {
          if (!reply.sent) sendRegistryError(request, reply, error);
        }
        return reply;
      },
    });
  }
}
