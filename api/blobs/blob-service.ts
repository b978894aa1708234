import type { Readable } from 'node:stream';
import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ByteRange, StorageDriver } from '../storage/driver.ts';
import { blobKey } from '../storage/paths.ts';

export interface BlobInfo {
  digest: string;
  size: number;
}

/**
 * Blob metadata and bytes. A blob is stored once; a row in repository_blobs makes
 * it readable in a repository.
 */
export class BlobService {
  constructor(
    private readonly prisma: Prisma,
    private readonly storage: StorageDriver,
  ) {}

  /** Returns the blob when it is readable in the repository, else undefined. */
  async findInRepository(repositoryId: number, digest: string): Promise<BlobInfo | undefined> {
    const link = await this.prisma.repositoryBlob.findUnique({
      where: { repositoryId_digest: { repositoryId, digest } },
      select: { blob: { select: { size: true } } },
    });
    return link ? { digest, size: Number(link.blob.size) } : undefined;
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

  /**
   * Makes the bytes at `sourceKey` the blob `digest` and links it into the
   * repository. When the blob is already stored, the new copy is dropped.
   */
  async commit(repositoryId: number, digest: string, size: number, sourceKey: string): Promise<void> {
    const key = blobKey(digest);
    const stored = await this.storage.stat(key);
    if (stored?.size === size) {
      await this.storage.delete(sourceKey);
    } else {
      await this.storage.move(sourceKey, key);
    }

    await this.prisma.blob.createMany({ data: [{ digest, size: BigInt(size) }], skipDuplicates: true });
    await this.link(repositoryId, digest);
  }

  async link(repositoryId: number, digest: string): Promise<void> {
    await this.prisma.repositoryBlob.createMany({ data: [{ repositoryId, digest }], skipDuplicates: true });
  }

  /** Removes the blob from the repository; the bytes stay until garbage collection. */
  async unlink(repositoryId: number, digest: string): Promise<void> {
    const result = await this.prisma.repositoryBlob.deleteMany({ where: { repositoryId, digest } });
    if (result.count === 0) throw new WharfError('BLOB_UNKNOWN', `blob ${digest} not found in this repository`, { digest });
  }

  /** True when some repository of the given projects (or any, for 'all') holds the blob. */
  async existsInProjects(digest: string, projects: 'all' | string[]): Promise<boolean> {
    if (projects !== 'all' && projects.length === 0) return false;
    const link = await this.prisma.repositoryBlob.findFirst({
      where: { digest, ...(projects !== 'all' ? { repository: { project: { name: { in: projects } } } } : {}) },
      select: { repositoryId: true },
    });
    return link !== null;
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
