import type { Readable } from 'node:stream';
import { createDigester, parseDigest } from '../digest/digest.ts';
import type { Logger } from 'pino';
import { type StorageDriver, StorageNotFoundError } from '../storage/driver.ts';
import { blobKey } from '../storage/paths.ts';

/** Maximum size of a config blob that the catalog reads into memory (1 MiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A config descriptor of a manifest, as artifact_references stores it. */
export interface ConfigDescriptor {
  digest: string;
  mediaType: string;
  size: number;
}

/** True for JSON media types: `application/json` and any `+json` suffix, parameters ignored. */
export function isJsonMediaType(mediaType: string): boolean {
  const essence = mediaType.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || essence.endsWith('+json');
}

/**
 * Reader of image config blobs through the storage driver, so the portal can
 * show them. `read` returns the exact text of a config only when its media type
 * is JSON and its size is at most MAX_CONFIG_BYTES. Its bytes must also match
 * the digest and parse as a JSON object. Otherwise it returns undefined.
 */
export class ConfigDocumentReader {
  constructor(
    private readonly storage: StorageDriver,
    private readonly logger: Logger,
  ) {}

  async read(config: ConfigDescriptor): Promise<string | undefined> {
    if (!isJsonMediaType(config.mediaType) || config.size > MAX_CONFIG_BYTES) return undefined;

    const bytes = await this.#readCapped(config);
    if (!bytes) return undefined;

    return parsesAsObject(bytes) ? bytes.toString('utf8') : undefined;
  }

  /** Reads the blob and stops past the descriptor's size. Returns undefined when it is missing or its bytes do not match. */
  async #readCapped(config: ConfigDescriptor): Promise<Buffer | undefined> {
    let stream: Readable;
    try {
      stream = await this.storage.read(blobKey(config.digest));
    } catch (error) {
      if (error instanceof StorageNotFoundError) {
        this.logger.warn({ digest: config.digest }, 'config blob not found in storage, so the catalog shows no config');
        return undefined;
      }
      throw error;
    }

    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > config.size) {
        stream.destroy();
        break;
      }
      chunks.push(chunk);
    }

    const bytes = Buffer.concat(chunks);
    if (length !== config.size || !matchesDigest(bytes, config.digest)) {
      this.logger.warn({ digest: config.digest, expectedSize: config.size }, 'config blob does not match its descriptor size or digest, so the catalog shows no config');
      return undefined;
    }
    return bytes;
  }
}

function matchesDigest(bytes: Buffer, digest: string): boolean {
  const { algorithm, encoded } = parseDigest(digest);
  return createDigester(algorithm).update(bytes).digest('hex') === encoded;
}

function parsesAsObject(bytes: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
