import type { Readable } from 'node:stream';
import { parseDigest } from '../digest/digest.ts';
import { isWharfError, WharfError } from '../errors/catalog.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import type { ChunkHeaders, UploadSession } from '../uploads/upload-service.ts';
import type { RegistryContext } from './context.ts';
import { callerMay } from './registry-auth.ts';

function uploadLocation(name: string, uploadId: string): string {
  return `/v2/${name}/blobs/uploads/${uploadId}`;
}

/** `Range` as clients parse it: the inclusive end of what was received, `0-0` for nothing yet. */
function receivedRange(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}

function setSessionHeaders(context: RegistryContext, session: UploadSession): void {
  context.reply.headers({
    location: uploadLocation(context.name, session.id),
    range: receivedRange(session.offset),
    'docker-upload-uuid': session.id,
  });
}

function readChunkHeaders(context: RegistryContext): ChunkHeaders {
  const headers: ChunkHeaders = {};
  const range = context.request.headers['content-range'];
  const length = context.request.headers['content-length'];
  if (range !== undefined) headers.contentRange = range;
  if (length !== undefined) headers.contentLength = Number(length);
  return headers;
}

/** True when the request carries a body: a non-zero Content-Length or chunked encoding. */
function hasBody(context: RegistryContext): boolean {
  const length = context.request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return context.request.headers['transfer-encoding'] !== undefined;
}

async function sendBlobCreated(context: RegistryContext, digest: string): Promise<void> {
  await context.reply
    .code(201)
    .headers({ location: `/v2/${context.name}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' })
    .send();
}

/**
 * Links `digest` into the repository from `from`, or when `from` is absent from
 * any repository the caller can read. Returns false when the blob is not found
 * there or the caller may not pull it, so the client uploads instead.
 */
async function tryMount(context: RegistryContext, repository: RepositoryRef, digest: string, from: string | null): Promise<boolean> {
  const { services, caller } = context;
  try {
    parseDigest(digest);
  } catch {
    return false;
  }

  if (from) {
    if (!from.includes('/') || !(await callerMay(services, caller, from, 'pull'))) return false;
    const source = await services.repositories.find(from);
    if (!source || !(await services.blobs.findInRepository(source.id, digest))) return false;
  } else {
    const readable = await services.access.readableProjects(caller);
    if (!(await services.blobs.existsInProjects(digest, readable))) return false;
  }

  return services.blobs.link(repository.id, digest);
}

/** POST /blobs/uploads/: mount, monolithic upload with `digest`, or a new session. */
export async function startUpload(context: RegistryContext): Promise<void> {
  const { services, query, request, reply } = context;
  const repository = await services.repositories.ensure(context.name);

  const mount = query.get('mount');
  if (mount && (await tryMount(context, repository, mount, query.get('from')))) {
    request.raw.resume();
    await sendBlobCreated(context, mount);
    return;
  }

  const digest = query.get('digest');
  // A malformed digest fails before the session exists, so it leaves no session behind.
  if (digest && !mount) parseDigest(digest);
  const session = await services.uploads.start(repository.id);
  if (digest && !mount) {
    await services.uploads.complete(session, digest, request.raw, readChunkHeaders(context));
    await sendBlobCreated(context, digest);
    return;
  }

  request.raw.resume();
  setSessionHeaders(context, session);
  await reply.code(202).header('content-length', '0').send();
}

async function loadSession(context: RegistryContext, uploadId: string): Promise<UploadSession> {
  const repository = await context.services.repositories.find(context.name);
  if (!repository) {
    throw new WharfError('BLOB_UPLOAD_UNKNOWN', `upload ${uploadId} not found`, { uploadId });
  }
  return context.services.uploads.get(repository.id, uploadId);
}

/** On an out-of-order chunk, still tell the client where the upload stands. */
function withSessionHeadersOnRangeError(context: RegistryContext, session: UploadSession, error: unknown): never {
  if (isWharfError(error) && error.code === 'RANGE_INVALID') {
    context.request.raw.resume();
    setSessionHeaders(context, session);
  }
  throw error;
}

/** PATCH: append a chunk, with or without Content-Range. */
export async function appendChunk(context: RegistryContext, uploadId: string): Promise<void> {
  const session = await loadSession(context, uploadId);
  let updated: UploadSession;
  try {
    updated = await context.services.uploads.append(session, context.request.raw, readChunkHeaders(context));
  } catch (error) {
    withSessionHeadersOnRangeError(context, session, error);
  }

  setSessionHeaders(context, updated);
  await context.reply.code(202).header('content-length', '0').send();
}

/** PUT ?digest=: complete the upload with an optional final chunk. */
export async function completeUpload(context: RegistryContext, uploadId: string): Promise<void> {
  const digest = context.query.get('digest');
  if (!digest) throw new WharfError('DIGEST_INVALID', 'the digest query parameter is required to complete an upload');

  const session = await loadSession(context, uploadId);
  const body: Readable | undefined = hasBody(context) ? context.request.raw : undefined;
  try {
    await context.services.uploads.complete(session, digest, body, readChunkHeaders(context));
  } catch (error) {
    withSessionHeadersOnRangeError(context, session, error);
  }
  await sendBlobCreated(context, digest);
}

/** GET: where the upload stands. */
export async function getUploadStatus(context: RegistryContext, uploadId: string): Promise<void> {
  const session = await loadSession(context, uploadId);
  setSessionHeaders(context, session);
  await context.reply.code(204).send();
}

/** DELETE: cancel the upload and drop its bytes. */
export async function cancelUpload(context: RegistryContext, uploadId: string): Promise<void> {
  const session = await loadSession(context, uploadId);
  await context.services.uploads.cancel(session);
  await context.reply.code(204).header('docker-upload-uuid', session.id).send();
}
