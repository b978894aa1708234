import type { Prisma } from '../db/client.ts';

export interface Page<T> {
  items: T[];
  /** The last item's key when more items follow, for the next page's `last`. */
  next?: string;
}

/** Lists tags page by page from the database, in byte order of their names. */
export class TagService {
  constructor(private readonly prisma: Prisma) {}

  /** Tags after `last` (exclusive), at most `limit`; keyset pagination, so every page costs the same. */
  async list(repositoryId: number, limit: number, last?: string): Promise<Page<string>> {
    if (limit === 0) return { items: [] };

    const rows = await this.prisma.tag.findMany({
      where: { repositoryId, ...(last !== undefined ? { name: { gt: last } } : {}) },
      orderBy: { name: 'asc' },
      take: limit + 1,
      select: { name: true },
    });
    const items = rows.slice(0, limit).map((row) => row.name);
    return rows.length > limit ? { items, next: items.at(-1) } : { items };
  }
}
