import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Prisma } from '../../api/db/client.ts';
import type { StorageDriver } from '../../api/storage/driver.ts';
import { blobKey } from '../../api/storage/paths.ts';

/**
 * Writes chart archives, provenance files and OCI configs into the registry's
 * content-addressed blob storage, so the same bytes serve chart downloads and
 * OCI pulls. A blob appears whole or not at all: it is written under a
 * temporary key, then moved.
 */
export class ChartBlobs {
  constructor(
    private readonly prisma: Prisma,
    private readonly storage: StorageDriver,
  ) {}

  /**
   * Stores `bytes` unless the blob exists; returns its `sha256:` digest.
   * Callers count the blob against the project quota (ChartService) or link it
   * into a repository, which counts it.
   */
  async put(bytes: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const key = blobKey(digest);
    const stored = await this.storage.stat(key);
    if (stored?.size !== bytes.length) {
      const temporary = `uploads/chart-${randomUUID()}`;
      await this.storage.writeAt(temporary, 0, Readable.from([bytes]));
      await this.storage.move(temporary, key);
    }
    await this.prisma.blob.createMany({ data: [{ digest, size: BigInt(bytes.length) }], skipDuplicates: true });
    return digest;
  }

  /** Reads a whole blob into memory; callers bound the size first. */
  async read(digest: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.read(blobKey(digest))) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async open(digest: string): Promise<Readable> {
    return this.storage.read(blobKey(digest));
  }
}
