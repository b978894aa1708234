import { randomUUID, type Hash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { Logger } from 'pino';
import type { BlobService } from '../blobs/blob-service.ts';
import type { Prisma } from '../db/client.ts';
import { createDigester, parseDigest } from '../digest/digest.ts';
import { WharfError } from '../errors/catalog.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { uploadKey } from '../storage/paths.ts';

export interface UploadSession {
  id: string;
  repositoryId: number;
  /** Bytes received so far. */
  offset: number;
}

/** A chunk as the client described it: `Content-Range` and `Content-Length`, both optional. */
export interface ChunkHeaders {
  contentRange?: string;
  contentLength?: number;
}

/** SHA-256 state of an upload in this process, valid while `offset` matches the session. */
interface RunningDigest {
  hash: Hash;
  offset: number;
}

/**
 * Upload sessions: start, append chunks, report status, complete, cancel,
 * expire. A database row stores the session and storage stores its bytes, so
 * any instance can continue a session. The running SHA-256 lives in the process that received
 * the bytes; another instance (or a restart) hashes the stored bytes again at
 * completion.
 */
export class UploadService {
  readonly #digests = new Map<string, RunningDigest>();
  readonly #busy = new Set<string>();

  constructor(
    private readonly prisma: Prisma,
    private readonly storage: StorageDriver,
    private readonly blobs: BlobService,
    private readonly logger: Logger,
  ) {}

  async start(repositoryId: number): Promise<UploadSession> {
    const id = randomUUID();
    await this.prisma.upload.create({ data: { id, repositoryId } });
    this.#digests.set(id, { hash: createDigester(), offset: 0 });
    return { id, repositoryId, offset: 0 };
  }

  /** Loads a session of this repository, or raises BLOB_UPLOAD_UNKNOWN. */
  async get(repositoryId: number, uploadId: string): Promise<UploadSession> {
    const unknown = new WharfError('BLOB_UPLOAD_UNKNOWN', `upload ${uploadId} not found; it may have expired, start a new one`, {
      uploadId,
    });
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw unknown;

    const row = await this.prisma.upload.findUnique({ where: { id: uploadId } });
    if (!row || row.repositoryId !== repositoryId) throw unknown;
    return { id: row.id, repositoryId: row.repositoryId, offset: Number(row.offset) };
  }

  /**
   * Appends a chunk at the session's offset. Raises RANGE_INVALID when
   * Content-Range does not start there, SIZE_INVALID when the lengths disagree.
   */
  async append(session: UploadSession, body: Readable, headers: ChunkHeaders): Promise<UploadSession> {
    const expectedLength = checkChunkHeaders(session, headers);
    return this.#exclusive(session.id, async () => {
      const written = await this.#write(session, body, expectedLength);
      return { ...session, offset: session.offset + written };
    });
  }

  /**
   * Completes a session: appends the optional final chunk, checks the digest and
   * turns the bytes into a blob of the repository. A digest mismatch cancels the
   * session, as the client has to start over anyway.
   */
  async complete(session: UploadSession, digest: string, body: Readable | undefined, headers: ChunkHeaders): Promise<void> {
    const { algorithm } = parseDigest(digest);
    let current = session;
    if (body) current = await this.append(session, body, headers);

    const actual = await this.#finalDigest(current, algorithm);
    if (actual !== digest) {
      await this.cancel(current);
      throw new WharfError('DIGEST_INVALID', `upload content has digest ${actual}, not ${digest}`, { digest });
    }

    // A session that received no bytes has no stored object yet; the empty blob needs one.
    if (current.offset === 0) await this.storage.writeAt(uploadKey(current.id), 0, Readable.from([]));
    await this.blobs.commit(current.repositoryId, digest, current.offset, uploadKey(current.id));
    await this.prisma.upload.deleteMany({ where: { id: current.id } });
    this.#digests.delete(current.id);
  }

  async cancel(session: UploadSession): Promise<void> {
    await this.prisma.upload.deleteMany({ where: { id: session.id } });
    await this.storage.delete(uploadKey(session.id));
    this.#digests.delete(session.id);
  }

  /** Removes sessions untouched for `ttlSeconds`, with their bytes. Returns how many went. */
  async expire(ttlSeconds: number): Promise<number> {
    const cutoff = new Date(Date.now() - ttlSeconds * 1000);
    const stale = await this.prisma.upload.findMany({ where: { updatedAt: { lt: cutoff } }, select: { id: true }, take: 1000 });
    let removed = 0;
    for (const { id } of stale) {
      const result = await this.prisma.upload.deleteMany({ where: { id, updatedAt: { lt: cutoff } } });
      if (result.count === 0) continue;
      await this.storage.delete(uploadKey(id));
      this.#digests.delete(id);
      removed += 1;
    }
    if (removed > 0) this.logger.info({ removed }, 'expired stale upload sessions');
    return removed;
  }

  /**
   * Streams the body into storage at the session offset, hashing on the way
   * when the running digest is current. A chunk whose length differs from
   * `expectedLength` raises SIZE_INVALID and leaves the offset where it was, so
   * the next chunk overwrites its bytes.
   */
  async #write(session: UploadSession, body: Readable, expectedLength: number | undefined): Promise<number> {
    const running = this.#digests.get(session.id);
    const hashing = running?.offset === session.offset ? running : undefined;
    if (!hashing) this.#digests.delete(session.id);

    const source = hashing ? body.pipe(hashingStream(hashing.hash)) : body;
    if (hashing) body.once('error', (error) => source.destroy(error));

    let size: number;
    try {
      size = await this.storage.writeAt(uploadKey(session.id), session.offset, source);
    } catch (error) {
      // Part of the chunk may have reached the hash: it no longer matches any offset.
      this.#digests.delete(session.id);
      throw error;
    }
    const written = size - session.offset;
    if (expectedLength !== undefined && written !== expectedLength) {
      this.#digests.delete(session.id);
      throw new WharfError('SIZE_INVALID', `chunk has ${written} bytes but the request declared ${expectedLength}`);
    }

    const updated = await this.prisma.upload.updateMany({
      where: { id: session.id, offset: BigInt(session.offset) },
      data: { offset: BigInt(size) },
    });
    if (updated.count === 0) {
      this.#digests.delete(session.id);
      throw new WharfError('BLOB_UPLOAD_INVALID', `upload ${session.id} changed while this chunk was written; retry from its status`);
    }
    if (hashing) hashing.offset = size;
    return written;
  }

  async #finalDigest(session: UploadSession, algorithm: string): Promise<string> {
    const running = this.#digests.get(session.id);
    if (algorithm === 'sha256' && running?.offset === session.offset) {
      return `sha256:${running.hash.copy().digest('hex')}`;
    }

    // No current running digest here: hash the stored bytes once more.
    const hash = createDigester(algorithm);
    if (session.offset > 0) {
      const stream = await this.storage.read(uploadKey(session.id));
      for await (const chunk of stream) hash.update(chunk as Buffer);
    }
    return `${algorithm}:${hash.digest('hex')}`;
  }

  async #exclusive<T>(uploadId: string, action: () => Promise<T>): Promise<T> {
    if (this.#busy.has(uploadId)) {
      throw new WharfError('RANGE_INVALID', `upload ${uploadId} is receiving another chunk; send chunks one at a time`);
    }
    this.#busy.add(uploadId);
    try {
      return await action();
    } finally {
      this.#busy.delete(uploadId);
    }
  }
}

/** Validates Content-Range against the session; returns the chunk length the client declared, if any. */
function checkChunkHeaders(session: UploadSession, headers: ChunkHeaders): number | undefined {
  if (headers.contentRange === undefined) return headers.contentLength;

  const match = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(headers.contentRange.trim());
  if (!match) throw new WharfError('RANGE_INVALID', `malformed Content-Range "${headers.contentRange}"; expected start-end`);

  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start !== session.offset || end < start) {
    throw new WharfError('RANGE_INVALID', `chunk ${start}-${end} does not continue the upload, which has ${session.offset} bytes`, {
      offset: session.offset,
    });
  }

  const length = end - start + 1;
  if (headers.contentLength !== undefined && headers.contentLength !== length) {
    throw new WharfError('SIZE_INVALID', `Content-Length ${headers.contentLength} does not match Content-Range ${start}-${end}`);
  }
  return length;
}

function hashingStream(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}
