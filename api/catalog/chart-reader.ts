import { compareNewestFirst } from '../../charts-repo/chart/semver.ts';
import type { ChartDetails } from '../../charts-repo/chart/chart-details.ts';
import type { IndexEntry } from '../../charts-repo/index/index-entry.ts';
import type { Prisma as PrismaClient } from '../db/client.ts';
import { Prisma } from '../db/generated/client.ts';

/** A chart: every version of one name in one project. */
export interface ChartRow {
  projectId: number;
  name: string;
  versionCount: number;
  /** When the newest version entered the catalog. */
  updatedAt: Date;
}

/** A chart version without its details (README, values), which `detailsOf` reads. */
export interface ChartVersionRow {
  id: number;
  projectId: number;
  name: string;
  version: string;
  digest: string;
  size: number;
  provDigest: string | null;
  manifestDigest: string | null;
  source: string;
  entry: IndexEntry;
  createdAt: Date;
}

export interface ChartPageOptions {
  projectId: number;
  /** Keep charts whose name or one of whose keywords contains this text, ignoring case. */
  query?: string;
  /** Name of the last chart of the previous page. */
  after?: string;
  limit: number;
}

function chartFilter(projectId: number, query: string | undefined): Prisma.Sql {
  if (query === undefined || query === '') return Prisma.sql`c.project_id = ${projectId}`;
  return Prisma.sql`c.project_id = ${projectId} AND (
    strpos(lower(c.name), ${query.toLowerCase()}) > 0
    OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(COALESCE(c.entry->'keywords', '[]'::jsonb)) AS k(keyword) WHERE strpos(lower(k.keyword), ${query.toLowerCase()}) > 0)
  )`;
}

type RawVersion = Omit<ChartVersionRow, 'size'> & { size: bigint };

const VERSION_COLUMNS = Prisma.sql`
  c.id, c.project_id AS "projectId", c.name, c.version, c.digest, c.size, c.prov_digest AS "provDigest",
  c.manifest_digest AS "manifestDigest", c.source, c.entry, c.created_at AS "createdAt"`;

/** Reads the chart catalog for the catalog API, one statement per call. */
export class ChartReader {
  constructor(private readonly prisma: PrismaClient) {}

  /** One page of a project's charts by name in byte order (keyset on the name). */
  async listPage(options: ChartPageOptions): Promise<ChartRow[]> {
    if (options.limit === 0) return [];
    const after = options.after !== undefined ? Prisma.sql`AND c.name COLLATE "C" > ${options.after}` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ projectId: number; name: string; versionCount: bigint; updatedAt: Date }[]>`
      SELECT c.project_id AS "projectId", c.name, COUNT(*) AS "versionCount", MAX(c.created_at) AS "updatedAt"
      FROM chart_versions c WHERE ${chartFilter(options.projectId, options.query)} ${after}
      GROUP BY c.project_id, c.name
      ORDER BY c.name COLLATE "C"
      LIMIT ${options.limit}`;
    return rows.map((row) => ({ ...row, versionCount: Number(row.versionCount) }));
  }

  async count(projectId: number, query?: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT COUNT(DISTINCT c.name) AS count FROM chart_versions c WHERE ${chartFilter(projectId, query)}`;
    return Number(rows[0]?.count ?? 0);
  }

  /** Charts by (project id, name); names without versions are left out. */
  async findCharts(keys: readonly { projectId: number; name: string }[]): Promise<ChartRow[]> {
    if (keys.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ projectId: number; name: string; versionCount: bigint; updatedAt: Date }[]>`
      SELECT c.project_id AS "projectId", c.name, COUNT(*) AS "versionCount", MAX(c.created_at) AS "updatedAt"
      FROM chart_versions c
      JOIN unnest(${keys.map((key) => key.projectId)}::int[], ${keys.map((key) => key.name)}::text[]) AS k(project_id, name)
        ON c.project_id = k.project_id AND c.name = k.name
      GROUP BY c.project_id, c.name`;
    return rows.map((row) => ({ ...row, versionCount: Number(row.versionCount) }));
  }

  /** Every version of each chart, newest first by SemVer precedence as Helm orders them. */
  async versionsOf(keys: readonly { projectId: number; name: string }[]): Promise<ChartVersionRow[]> {
    if (keys.length === 0) return [];
    const rows = await this.prisma.$queryRaw<RawVersion[]>`
      SELECT ${VERSION_COLUMNS} FROM chart_versions c
      JOIN unnest(${keys.map((key) => key.projectId)}::int[], ${keys.map((key) => key.name)}::text[]) AS k(project_id, name)
        ON c.project_id = k.project_id AND c.name = k.name`;
    return rows.map((row) => ({ ...row, size: Number(row.size) })).sort((left, right) => compareNewestFirst(left.version, right.version));
  }

  async getVersions(ids: readonly number[]): Promise<ChartVersionRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.$queryRaw<RawVersion[]>`SELECT ${VERSION_COLUMNS} FROM chart_versions c WHERE c.id = ANY(${[...ids]}::int[])`;
    return rows.map((row) => ({ ...row, size: Number(row.size) }));
  }

  /** README, values, dependencies and image references of each version. */
  async detailsOf(ids: readonly number[]): Promise<Map<number, ChartDetails>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.chartVersion.findMany({ where: { id: { in: [...ids] } }, select: { id: true, details: true } });
    return new Map(rows.map((row) => [row.id, row.details as unknown as ChartDetails]));
  }
}
