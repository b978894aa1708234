import type { Prisma } from '../db/client.ts';
import { type Page, toPage } from '../tags/tag-service.ts';

/** The registry catalog: repositories holding at least one manifest, by name. */
export class CatalogService {
  constructor(private readonly prisma: Prisma) {}

  /**
   * Repository names after `last`, at most `limit`, restricted to `projects`
   * unless it is 'all'. Keyset pagination on the unique name index, so a late
   * page costs the same as the first.
   */
  async list(limit: number, last: string | undefined, projects: 'all' | string[]): Promise<Page<string>> {
    if (limit === 0 || (projects !== 'all' && projects.length === 0)) return { items: [] };

    const take = Math.min(limit, Number.MAX_SAFE_INTEGER - 1) + 1;
    const rows =
      projects === 'all'
        ? await this.prisma.$queryRaw<{ names: string[] }[]>`
            SELECT COALESCE(json_agg(name ORDER BY name), '[]'::json) AS names
            FROM (
              SELECT r.name FROM repositories r
              WHERE r.name > ${last ?? ''} AND EXISTS (SELECT 1 FROM artifacts a WHERE a.repository_id = r.id)
              ORDER BY r.name LIMIT ${take}
            ) AS page`
        : await this.prisma.$queryRaw<{ names: string[] }[]>`
            SELECT COALESCE(json_agg(name ORDER BY name), '[]'::json) AS names
            FROM (
              SELECT r.name FROM repositories r JOIN projects p ON p.id = r.project_id
              WHERE r.name > ${last ?? ''} AND p.name = ANY(${projects}::text[])
                AND EXISTS (SELECT 1 FROM artifacts a WHERE a.repository_id = r.id)
              ORDER BY r.name LIMIT ${take}
            ) AS page`;
    return toPage(rows[0]?.names ?? [], limit);
  }
}
