import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Prisma, SqlQuery } from '../db/client.ts';
import { lockDigest } from '../db/transactions.ts';
import { WharfError } from '../errors/catalog.ts';
import type { QuotaService } from '../quota/quota-service.ts';
import type { ByteRange, StorageDriver } from '../storage/driver.ts';
import { blobKey } from '../storage/paths.ts';

/**
 * Interactive transactions here wait on per-digest locks and on the project
 * row while other pushes charge the same quota, so they may take longer than
 * Prisma's five-second default.
 */
export const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 120_000 };

export interface BlobInfo {
  digest: string;
  size: number;
}

/**
 * Blob metadata and bytes. A blob is stored once, and a row in repository_blobs
 * makes it readable in a repository.
 */
export class BlobService {
  constructor(
    private readonly prisma: Prisma,
    private readonly storage: StorageDriver,
    private readonly quota: QuotaService,
    private readonly query: SqlQuery,
  ) {}

  /** Returns the blob when it is readable in the repository, else undefined. */
  async findInRepository(repositoryId: number, digest: string): Promise<BlobInfo | undefined> {
    const rows = await this.query<{ size: string | number }>(
      `SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
       WHERE rb.repository_id = $1 AND rb.digest = $2`,
      [repositoryId, digest],
    );
    const row = rows[0];
    return row ? { digest, size: Number(row.size) } : undefined;
  }

  /** Like `findInRepository`, but raises BLOB_UNKNOWN. */
  async getInRepository(repositoryId: number, digest: string): Promise<BlobInfo> {
    const blob = await this.findInRepository(repositoryId, digest);
    if (!blob) throw new WharfError('BLOB_UNKNOWN', `blob ${digest} not found in this repository`, { digest });
    return blob;
  }

  async open(digest: string, range?: ByteRange): Promise<Readable> {
    return this.storage.read(blobKey(digest), range);
  }

  /** Opens the blob as a local file, or returns undefined when the storage keeps no files (S3). */
  async openFile(digest: string): Promise<FileHandle | undefined> {
    return this.storage.openFile?.(blobKey(digest));
  }

  /**
   * Makes the bytes at `sourceKey` the blob `digest` and links it into the
   * repository, in one transaction under the digest's lock: charge the
   * project's quota (raising DENIED, with nothing moved, when it is full),
   * record the blob and the link, then put the bytes in place. When the blob is
   * stored already, the new copy is dropped.
   */
  async commit(repositoryId: number, digest: string, size: number, sourceKey: string): Promise<void> {
    await this.prisma.$transaction(
      async (tx) => {
        await lockDigest(tx, digest);
        const repository = await tx.repository.findUniqueOrThrow({ where: { id: repositoryId }, select: { projectId: true } });
        await this.quota.charge(tx, repository.projectId, digest, size);
        await tx.blob.createMany({ data: [{ digest, size: BigInt(size) }], skipDuplicates: true });
        await tx.repositoryBlob.createMany({ data: [{ repositoryId, digest }], skipDuplicates: true });

        const key = blobKey(digest);
        const stored = await this.storage.stat(key);
        if (stored?.size === size) await this.storage.delete(sourceKey);
        else if (size === 0 && !(await this.storage.stat(sourceKey))) await this.storage.writeAt(key, 0, Readable.from([]));
        else await this.storage.move(sourceKey, key);
      },
      TRANSACTION_OPTIONS,
    );
  }

  /**
   * Links a stored blob into a repository (a cross-repository mount), charging
   * the project's quota. Returns false when the blob is not stored.
   */
  async link(repositoryId: number, digest: string): Promise<boolean> {
    return this.prisma.$transaction(
      async (tx) => {
        await lockDigest(tx, digest);
        const blob = await tx.blob.findUnique({ where: { digest }, select: { size: true } });
        if (!blob) return false;

        const repository = await tx.repository.findUniqueOrThrow({ where: { id: repositoryId }, select: { projectId: true } });
        await this.quota.charge(tx, repository.projectId, digest, Number(blob.size));
        await tx.repositoryBlob.createMany({ data: [{ repositoryId, digest }], skipDuplicates: true });
        return true;
      },
      TRANSACTION_OPTIONS,
    );
  }

  /**
   * Removes the blob from the repository and releases its quota. The bytes stay
   * until garbage collection. Raises UNSUPPORTED while a manifest of the
   * repository uses the blob, since that manifest could no longer be pulled.
   */
  async unlink(repositoryId: number, digest: string): Promise<void> {
    await this.prisma.$transaction(
      async (tx) => {
        await lockDigest(tx, digest);
        const referencing = await tx.artifactReference.findFirst({
          where: { digest, kind: { not: 'manifest' }, artifact: { repositoryId } },
          select: { artifact: { select: { digest: true } } },
        });
        if (referencing) {
          throw new WharfError('UNSUPPORTED', `blob ${digest} is used by manifest ${referencing.artifact.digest}; delete the manifest first`, {
            digest,
            manifest: referencing.artifact.digest,
          });
        }

        const result = await tx.repositoryBlob.deleteMany({ where: { repositoryId, digest } });
        if (result.count === 0) throw new WharfError('BLOB_UNKNOWN', `blob ${digest} not found in this repository`, { digest });

        const repository = await tx.repository.findUniqueOrThrow({ where: { id: repositoryId }, select: { projectId: true } });
        await this.quota.release(tx, repository.projectId, [digest]);
      },
      TRANSACTION_OPTIONS,
    );
  }

  /** Returns whether some repository of the given projects (or any, for 'all') contains the blob. */
  async existsInProjects(digest: string, projects: 'all' | string[]): Promise<boolean> {
    if (projects !== 'all' && projects.length === 0) return false;
    const link = await this.prisma.repositoryBlob.findFirst({
      where: { digest, ...(projects !== 'all' ? { repository: { project: { name: { in: projects } } } } : {}) },
      select: { repositoryId: true },
    });
    return link !== null;
  }

  /** Returns the sizes of the blobs among `digests` that are readable in the repository, by digest, in one query. */
  async readableSizes(repositoryId: number, digests: string[]): Promise<Map<string, bigint>> {
    if (digests.length === 0) return new Map();
    const links = await this.prisma.repositoryBlob.findMany({
      where: { repositoryId, digest: { in: digests } },
      select: { digest: true, blob: { select: { size: true } } },
    });
    return new Map(links.map((link) => [link.digest, link.blob.size]));
  }

  /** Which of `digests` are readable in the repository. */
  async filterReadable(repositoryId: number, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const links = await this.prisma.repositoryBlob.findMany({
      where: { repositoryId, digest: { in: digests } },
      select: { digest: true },
    });
    return new Set(links.map((link) => link.digest));
  }
}
