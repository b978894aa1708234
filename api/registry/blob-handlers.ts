import type { FileHandle } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import type { ByteRange } from '../storage/driver.ts';
import { copyFileTo, DestinationClosedError } from '../storage/file-copy.ts';
import { WharfError } from '../errors/catalog.ts';
import { parseDigest } from '../digest/digest.ts';
import type { RegistryContext } from './context.ts';

/** Parses a single-range `Range: bytes=...` header against a size; undefined means "send all". */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;

  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** GET and HEAD of a blob, with Range support. */
export async function getBlob(context: RegistryContext, digest: string): Promise<void> {
  const { services, reply, request } = context;
  parseDigest(digest);
  const repository = await services.repositories.find(context.name);
  const blob = repository ? await services.blobs.findInRepository(repository.id, digest) : undefined;
  if (!blob) throw new WharfError('BLOB_UNKNOWN', `blob ${digest} not found in ${context.name}`, { digest });

  const range = parseRangeHeader(request.headers.range, blob.size);
  reply.headers({
    'docker-content-digest': digest,
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: `"${digest}"`,
    'cache-control': 'max-age=31536000',
  });

  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${blob.size}`);
    throw new WharfError('RANGE_INVALID', `range ${request.headers.range} is outside the blob of ${blob.size} bytes`);
  }

  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.code(200).header('content-length', String(blob.size));
  }

  if (request.method === 'HEAD') {
    await reply.send();
    return;
  }
  const file = await services.blobs.openFile(digest);
  if (file) await sendFile(context, digest, file, range ?? { start: 0, end: blob.size - 1 });
  else await reply.send(await services.blobs.open(digest, range));
}

/** Error codes Node.js gives a write to a connection the client closed. */
const HANG_UP_CODES = new Set(['ERR_STREAM_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE', 'EPIPE', 'ECONNRESET']);

/** Returns whether a failed download failed because the client closed its connection. */
function isClientHangUp(error: unknown): boolean {
  if (error instanceof DestinationClosedError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && HANG_UP_CODES.has(code);
}

/**
 * Sends part of an open blob file on the raw response with copyFileTo, which
 * costs less CPU per byte than a read stream handed to Fastify. A failure after
 * the headers went out can only cut the response short.
 */
async function sendFile(context: RegistryContext, digest: string, file: FileHandle, range: ByteRange): Promise<void> {
  const { reply, request } = context;
  // A response queued behind another on a pipelined connection does not report that the
  // client left, so the socket's 'close' ends the copy.
  const socket = request.raw.socket;
  const connectionClosed = new AbortController();
  const onSocketClose = () => connectionClosed.abort();
  if (socket.destroyed) connectionClosed.abort();
  else socket.once('close', onSocketClose);
  try {
    reply.hijack();
    reply.raw.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
    await copyFileTo(file, range.start, range.end, reply.raw, connectionClosed.signal);
  } catch (error) {
    const details = { repository: context.name, digest, range };
    // A client that hangs up is routine, so it gets one line without a stack trace.
    if (isClientHangUp(error)) {
      request.log.info(details, 'client closed the connection during a blob download');
    } else {
      request.log.warn({ ...details, err: error }, 'blob download ended early');
    }
    reply.raw.destroy();
  } finally {
    socket.off('close', onSocketClose);
    await file.close();
  }
}

/** DELETE of a blob: removes it from the repository; storage is freed by garbage collection. */
export async function deleteBlob(context: RegistryContext, digest: string): Promise<void> {
  parseDigest(digest);
  const repository = await context.services.repositories.find(context.name);
  if (!repository) throw new WharfError('BLOB_UNKNOWN', `blob ${digest} not found in ${context.name}`, { digest });

  await context.services.blobs.unlink(repository.id, digest);
  await context.reply.code(202).header('content-length', '0').send();
}
