import type { Prisma } from '../db/client.ts';
import type { Page } from '../tags/tag-service.ts';

/** The registry catalog: repositories holding at least one manifest, by name. */
export class CatalogService {
  constructor(private readonly prisma: Prisma) {}

  /**
   * Repository names after `last`, at most `limit`, restricted to `projects`
   * unless it is 'all'. Keyset pagination on the unique name index.
   */
  async list(limit: number, last: string | undefined, projects: 'all' | string[]): Promise<Page<string>> {
    if (limit === 0 || (projects !== 'all' && projects.length === 0)) return { items: [] };

    const rows = await this.prisma.repository.findMany({
      where: {
        ...(last !== undefined ? { name: { gt: last } } : {}),
        ...(projects !== 'all' ? { project: { name: { in: projects } } } : {}),
        artifacts: { some: {} },
      },
      orderBy: { name: 'asc' },
      take: limit + 1,
      select: { name: true },
    });
    const items = rows.slice(0, limit).map((row) => row.name);
    return rows.length > limit ? { items, next: items.at(-1) } : { items };
  }
}
