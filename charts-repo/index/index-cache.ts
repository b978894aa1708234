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

export function cacheIndex(key: string, document: IndexDocument): CachedIndex {
  const variants = { yaml: makeVariant(document.yaml), json: makeVariant(document.json) };
  return { key, variant: (format) => variants[format] };
}

/**
 * Built index documents, keyed by catalog (a project id, or the merged set a
 * caller may read). An entry is used only while its key (which includes the
 * catalog revisions) matches the database, so every instance stays correct
 * without invalidation messages. Holds at most `capacity` catalogs.
 */
export class IndexCache {
  readonly #entries = new Map<string, CachedIndex>();

  constructor(private readonly capacity = 256) {}

  get(catalog: string, key: string): CachedIndex | undefined {
    const cached = this.#entries.get(catalog);
    if (!cached || cached.key !== key) return undefined;
    // Re-insert so the map's order tracks recent use.
    this.#entries.delete(catalog);
    this.#entries.set(catalog, cached);
    return cached;
  }

  set(catalog: string, cached: CachedIndex): void {
    this.#entries.delete(catalog);
    this.#entries.set(catalog, cached);
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
