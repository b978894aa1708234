import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IndexDocument } from './index-document.ts';

export type IndexFormat = 'yaml' | 'json';

/** One representation of a cached index: its bytes, strong ETag and, once requested, its gzip form. */
export interface IndexVariant {
  body: Buffer;
  etag: string;
  gzip(): { body: Buffer; etag: string };
}

/** An index built for one catalog state (`key`), in both formats. */
export interface CachedIndex {
  key: string;
  variant(format: IndexFormat): IndexVariant;
}

function makeVariant(body: Buffer): IndexVariant {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 32);
  let compressed: { body: Buffer; etag: string } | undefined;
  return {
    body,
    etag: `"${hash}"`,
    gzip() {
      compressed ??= { body: gzipSync(body), etag: `"${hash}-gzip"` };
      return compressed;
    },
  };
}

/** Wraps a document so each format is written and hashed once, when first requested. */
export function cacheIndex(key: string, document: IndexDocument): CachedIndex {
  const variants: Partial<Record<IndexFormat, IndexVariant>> = {};
  return {
    key,
    variant: (format) => (variants[format] ??= makeVariant(format === 'yaml' ? document.yaml() : document.json())),
  };
}

/**
 * A map that keeps the `capacity` most recently used values, each stored
 * with the catalog state (`key`) it was built for. A value is returned only
 * while its key matches the requested one, so every instance stays correct
 * without invalidation messages.
 */
export class IndexCache<T extends { key: string } = CachedIndex> {
  readonly #entries = new Map<string, T>();

  constructor(private readonly capacity = 256) {}

  get(catalog: string, key?: string): T | undefined {
    const cached = this.#entries.get(catalog);
    if (!cached || (key !== undefined && cached.key !== key)) return undefined;
    // Re-insert so the map's order tracks recent use.
    this.#entries.delete(catalog);
    this.#entries.set(catalog, cached);
    return cached;
  }

  set(catalog: string, cached: T): void {
    this.#entries.delete(catalog);
    this.#entries.set(catalog, cached);
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
