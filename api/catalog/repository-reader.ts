import type { Prisma as PrismaClient } from '../db/client.ts';
import { Prisma } from '../db/generated/client.ts';
import { type SortKey, sortCondition } from './keyset.ts';

export interface RepositoryRow {
  id: number;
  name: string;
  projectId: number;
  createdAt: Date;
}

/** Figures of one repository, computed from its artifacts and blob links. */
export interface RepositoryStats {
  repositoryId: number;
  artifactCount: number;
  tagCount: number;
  /** Bytes of the distinct blobs linked into the repository plus its manifests. */
  size: number;
  /** Latest push of any of its artifacts. */
  pushedAt: Date | null;
  /** Latest pull of any of its artifacts, null when never pulled. */
  pulledAt: Date | null;
}

export const REPOSITORY_SORTS = ['NAME', 'PUSHED_AT', 'PULLED_AT', 'SIZE'] as const;
export type RepositorySort = (typeof REPOSITORY_SORTS)[number];
export type SortDirection = 'ascending' | 'descending';

export interface RepositoryPageOptions {
  projectId: number;
  /** Keep repositories whose path (the name without the project) contains this text. */
  nameContains?: string;
  sort: RepositorySort;
  direction: SortDirection;
  after?: SortKey;
  limit: number;
}

const SIZE_SQL = Prisma.sql`(
  COALESCE((SELECT SUM(b.size) FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest WHERE rb.repository_id = r.id), 0)
  + COALESCE((SELECT SUM(m.size) FROM artifacts m WHERE m.repository_id = r.id), 0)
)::bigint`;
const PUSHED_SQL = Prisma.sql`(SELECT MAX(m.pushed_at) FROM artifacts m WHERE m.repository_id = r.id)`;
const PULLED_SQL = Prisma.sql`(SELECT MAX(m.pulled_at) FROM artifacts m WHERE m.repository_id = r.id)`;

const SORT_CAST: Record<RepositorySort, 'timestamp' | 'bigint' | 'text'> = { NAME: 'text', PUSHED_AT: 'timestamp', PULLED_AT: 'timestamp', SIZE: 'bigint' };

/**
 * Builds the query of the listed repositories (`r`) with the value the sort
 * orders by, never null so keyset comparisons work. Figures are aggregated for the whole
 * project in one pass (hash joins), which is much cheaper than a subquery
 * per repository when a project has thousands of them.
 */
function sortedRepositoriesSql(sort: RepositorySort, filter: Prisma.Sql): Prisma.Sql {
  if (sort === 'NAME') return Prisma.sql`SELECT r.id, r.name, r.project_id, r.created_at, r.name AS sort_value FROM repositories r WHERE ${filter}`;

  const artifactFigures = Prisma.sql`
    SELECT m.repository_id, SUM(m.size) AS bytes, MAX(m.pushed_at) AS pushed_at, MAX(m.pulled_at) AS pulled_at
    FROM artifacts m WHERE m.repository_id IN (SELECT r.id FROM repositories r WHERE ${filter}) GROUP BY m.repository_id`;
  if (sort !== 'SIZE') {
    const column = sort === 'PUSHED_AT' ? Prisma.sql`figures.pushed_at` : Prisma.sql`figures.pulled_at`;
    return Prisma.sql`
      SELECT r.id, r.name, r.project_id, r.created_at, COALESCE(${column}, 'epoch'::timestamp) AS sort_value
      FROM repositories r LEFT JOIN (${artifactFigures}) AS figures ON figures.repository_id = r.id
      WHERE ${filter}`;
  }
  return Prisma.sql`
    SELECT r.id, r.name, r.project_id, r.created_at, (COALESCE(linked.bytes, 0) + COALESCE(figures.bytes, 0))::bigint AS sort_value
    FROM repositories r
    LEFT JOIN (${artifactFigures}) AS figures ON figures.repository_id = r.id
    LEFT JOIN (
      SELECT rb.repository_id, SUM(b.size) AS bytes FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
      WHERE rb.repository_id IN (SELECT r.id FROM repositories r WHERE ${filter}) GROUP BY rb.repository_id
    ) AS linked ON linked.repository_id = r.id
    WHERE ${filter}`;
}

/** Rows with the value they were sorted by, as text for cursors. */
export type SortedRepositoryRow = RepositoryRow & { sortValue: string };

function listFilter(projectId: number, nameContains: string | undefined): Prisma.Sql {
  const name =
    nameContains !== undefined && nameContains !== ''
      ? Prisma.sql`AND strpos(substring(r.name from position('/' in r.name) + 1), ${nameContains.toLowerCase()}) > 0`
      : Prisma.empty;
  // Like the registry catalog, a repository whose artifacts are all deleted is not listed.
  return Prisma.sql`r.project_id = ${projectId} ${name} AND EXISTS (SELECT 1 FROM artifacts e WHERE e.repository_id = r.id)`;
}

/** Reads repositories for the catalog API: pages, counts and figures, one statement per call. */
export class RepositoryReader {
  constructor(private readonly prisma: PrismaClient) {}

  async findByName(name: string): Promise<RepositoryRow | undefined> {
    return (await this.prisma.repository.findUnique({ where: { name }, select: { id: true, name: true, projectId: true, createdAt: true } })) ?? undefined;
  }

  async getMany(ids: readonly number[]): Promise<RepositoryRow[]> {
    if (ids.length === 0) return [];
    return this.prisma.repository.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, projectId: true, createdAt: true } });
  }

  async findManyByName(names: readonly string[]): Promise<RepositoryRow[]> {
    if (names.length === 0) return [];
    return this.prisma.repository.findMany({ where: { name: { in: [...names] } }, select: { id: true, name: true, projectId: true, createdAt: true } });
  }

  /**
   * Reads one page of a project's repositories, keyset-paginated on (sort
   * value, id). Sorting by anything but the name computes the figure of every
   * repository in the project first, so those sorts cost more in large projects.
   */
  async listPage(options: RepositoryPageOptions): Promise<SortedRepositoryRow[]> {
    if (options.limit === 0) return [];
    const cast = SORT_CAST[options.sort];
    const after = options.after ? sortCondition(Prisma.sql`sorted.sort_value`, cast, options.after, options.direction, Prisma.sql`sorted.id`) : Prisma.sql`TRUE`;
    const order = options.direction === 'descending' ? Prisma.sql`DESC` : Prisma.sql`ASC`;
    const rows = await this.prisma.$queryRaw<(RepositoryRow & { sortValue: Date | bigint | string })[]>`
      SELECT sorted.id, sorted.name, sorted.project_id AS "projectId", sorted.created_at AS "createdAt", sorted.sort_value AS "sortValue"
      FROM (${sortedRepositoriesSql(options.sort, listFilter(options.projectId, options.nameContains))}) AS sorted
      WHERE ${after}
      ORDER BY sorted.sort_value ${order}, sorted.id ${order}
      LIMIT ${options.limit}`;
    return rows.map((row) => ({ ...row, sortValue: row.sortValue instanceof Date ? row.sortValue.toISOString() : String(row.sortValue) }));
  }

  async count(projectId: number, nameContains?: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT COUNT(*) AS count FROM repositories r WHERE ${listFilter(projectId, nameContains)}`;
    return Number(rows[0]?.count ?? 0);
  }

  async statsOf(repositoryIds: readonly number[]): Promise<RepositoryStats[]> {
    if (repositoryIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ repositoryId: number; artifactCount: bigint; tagCount: bigint; size: bigint; pushedAt: Date | null; pulledAt: Date | null }[]>`
      SELECT r.id AS "repositoryId",
        (SELECT COUNT(*) FROM artifacts m WHERE m.repository_id = r.id) AS "artifactCount",
        (SELECT COUNT(*) FROM tags t WHERE t.repository_id = r.id) AS "tagCount",
        ${SIZE_SQL} AS size, ${PUSHED_SQL} AS "pushedAt", ${PULLED_SQL} AS "pulledAt"
      FROM repositories r WHERE r.id = ANY(${[...repositoryIds]}::int[])`;
    return rows.map((row) => ({ ...row, artifactCount: Number(row.artifactCount), tagCount: Number(row.tagCount), size: Number(row.size) }));
  }
}
