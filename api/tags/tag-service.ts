import type { Prisma } from '../db/client.ts';

export interface Page<T> {
  items: T[];
  /** The last item's key when more items follow, for the next page's `last`. */
  next?: string;
}

/** Turns `limit + 1` fetched names into a page and its next key. */
export function toPage(names: string[], limit: number): Page<string> {
  const items = names.slice(0, limit);
  return names.length > limit ? { items, next: items.at(-1) } : { items };
}

/** Lists tags page by page from the database, in byte order of their names. */
export class TagService {
  constructor(private readonly prisma: Prisma) {}

  /**
   * Tags after `last` (exclusive), at most `limit`. Keyset pagination on the
   * (repository_id, name) index, so every page costs the same; the names come
   * back as one JSON array so a page of thousands decodes as a single value.
   */
  async list(repositoryId: number, limit: number, last?: string): Promise<Page<string>> {
    if (limit === 0) return { items: [] };

    const rows = await this.prisma.$queryRaw<{ names: string[] }[]>`
      SELECT COALESCE(json_agg(name ORDER BY name), '[]'::json) AS names
      FROM (
        SELECT name FROM tags
        WHERE repository_id = ${repositoryId} AND name > ${last ?? ''}
        ORDER BY name
        LIMIT ${Math.min(limit, Number.MAX_SAFE_INTEGER - 1) + 1}
      ) AS page`;
    return toPage(rows[0]?.names ?? [], limit);
  }
}
