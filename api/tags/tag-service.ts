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
   * Tags of the named repository after `last` (exclusive), at most `limit`, or
   * undefined when no repository has that name. One query finds the repository
   * and the page, so a tag list costs one round trip. Keyset pagination on the
   * (repository_id, name) index makes every page cost the same. The names come
   * back as one JSON array, so a page of thousands decodes as a single value.
   */
  async list(repository: string, limit: number, last?: string): Promise<Page<string> | undefined> {
    const rows = await this.prisma.$queryRaw<{ names: string[] }[]>`
      SELECT COALESCE((
        SELECT json_agg(name ORDER BY name)
        FROM (
          SELECT t.name FROM tags t
          WHERE t.repository_id = r.id AND t.name > ${last ?? ''}
          ORDER BY t.name
          LIMIT ${Math.min(limit, Number.MAX_SAFE_INTEGER - 1) + 1}
        ) AS page
      ), '[]'::json) AS names
      FROM repositories r
      WHERE r.name = ${repository}`;
    const row = rows[0];
    if (!row) return undefined;
    return limit === 0 ? { items: [] } : toPage(row.names, limit);
  }
}
