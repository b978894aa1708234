import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorageDriver } from './driver.ts';
import { FilesystemDriver } from './filesystem-driver.ts';
import { MemoryDriver } from './memory-driver.ts';

export type { StorageDriver } from './driver.ts';

/**
 * Opens the driver named by a WHARF_STORAGE value: a plain path or `file://` URL
 * for the file system, `memory:` for a throwaway in-memory store, or
 * `s3://BUCKET/prefix?endpoint=URL&region=NAME&forcePathStyle=true` for S3.
 * The S3 driver is loaded only for an s3:// location: the AWS SDK adds about
 * 13 MiB to every process that imports it.
 */
export async function openStorage(location: string): Promise<StorageDriver> {
  if (location === 'memory:') return new MemoryDriver();
  if (location.startsWith('file://')) return new FilesystemDriver(fileURLToPath(location));
  if (location.startsWith('s3://')) {
    const { S3Driver } = await import('./s3-driver.ts');
    return S3Driver.fromUrl(location);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new Error(`WHARF_STORAGE "${location}" uses an unsupported scheme; use a path, file:// URL, s3:// URL or memory:`);
  }
  return new FilesystemDriver(path.resolve(location));
}
