import type { Prisma } from '../../api/db/client.ts';
import type { ChartDetails } from '../chart/chart-details.ts';
import type { IndexEntry } from '../index/index-entry.ts';

/** A chart version row as the catalog reads it. */
export interface ChartRecord {
  id: number;
  projectId: number;
  name: string;
  version: string;
  digest: string;
  size: number;
  provDigest: string | null;
  provSize: number | null;
  manifestDigest: string | null;
  source: ChartSource;
  entry: IndexEntry;
  createdAt: Date;
}

/** Origin of a version in the catalog: the chart API or an OCI push. */
export type ChartSource = 'upload' | 'oci';

export interface ChartRecordInput {
  projectId: number;
  name: string;
  version: string;
  digest: string;
  size: number;
  provDigest: string | null;
  provSize: number | null;
  source: ChartSource;
  entry: IndexEntry;
  details: ChartDetails;
  createdAt: Date;
}

const SELECT = {
  id: true,
  projectId: true,
  name: true,
  version: true,
  digest: true,
  size: true,
  provDigest: true,
  provSize: true,
  manifestDigest: true,
  source: true,
  entry: true,
  createdAt: true,
} as const;

type Row = { [K in keyof typeof SELECT]: unknown } & { size: bigint; provSize: bigint | null };

function toRecord(row: Row): ChartRecord {
  return {
    ...(row as unknown as ChartRecord),
    size: Number(row.size),
    provSize: row.provSize === null ? null : Number(row.provSize),
  };
}

/**
 * Chart version rows and the per-project catalog revision. Every change to a
 * project's versions bumps the revision in the same transaction and records
 * which chart changed, which is what lets every instance update its cached
 * index documents.
 */
export class ChartRecords {
  constructor(private readonly prisma: Prisma) {}

  async find(projectId: number, name: string, version: string): Promise<ChartRecord | undefined> {
    const row = await this.prisma.chartVersion.findUnique({ where: { projectId_name_version: { projectId, name, version } }, select: SELECT });
    return row ? toRecord(row as Row) : undefined;
  }

  async findByArchiveDigest(projectId: number, digest: string): Promise<ChartRecord | undefined> {
    const row = await this.prisma.chartVersion.findFirst({ where: { projectId, digest }, select: SELECT });
    return row ? toRecord(row as Row) : undefined;
  }

  /** Versions whose OCI manifest has this digest. */
  async findByManifestDigest(projectId: number, manifestDigest: string): Promise<ChartRecord[]> {
    const rows = await this.prisma.chartVersion.findMany({ where: { projectId, manifestDigest }, select: SELECT });
    return rows.map((row) => toRecord(row as Row));
  }

  /** Versions of one chart, or of every chart when `name` is undefined, ordered by name. */
  async list(projectId: number, name?: string): Promise<ChartRecord[]> {
    const rows = await this.prisma.chartVersion.findMany({
      where: { projectId, ...(name === undefined ? {} : { name }) },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      select: SELECT,
    });
    return rows.map((row) => toRecord(row as Row));
  }

  /** Finds versions by candidate name and version pairs, for file names such as `a-b-1.0.0.tgz`. */
  async findAny(projectId: number, candidates: { name: string; version: string }[]): Promise<ChartRecord | undefined> {
    if (candidates.length === 0) return undefined;
    const row = await this.prisma.chartVersion.findFirst({ where: { projectId, OR: candidates }, select: SELECT });
    return row ? toRecord(row as Row) : undefined;
  }

  /** Index entries of the projects, with each project's id, for building index documents. */
  async entries(projectIds: number[]): Promise<{ projectId: number; entry: IndexEntry }[]> {
    if (projectIds.length === 0) return [];
    // Reading JSONB as text and parsing it here is several times faster than Prisma's
    // JSON decoding for the tens of thousands of rows a large catalog has.
    const rows = await this.prisma.$queryRaw<{ project_id: number; entry: string }[]>`
      SELECT project_id, entry::text AS entry FROM chart_versions WHERE project_id = ANY(${projectIds}::int[])`;
    return rows.map((row) => ({ projectId: row.project_id, entry: JSON.parse(row.entry) as IndexEntry }));
  }

  /** Index entries of the named charts of one project. */
  async entriesOf(projectId: number, names: string[]): Promise<IndexEntry[]> {
    if (names.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ entry: string }[]>`
      SELECT entry::text AS entry FROM chart_versions WHERE project_id = ${projectId} AND name = ANY(${names}::text[])`;
    return rows.map((row) => JSON.parse(row.entry) as IndexEntry);
  }

  /** Names of the project's charts that changed after catalog revision `since`. */
  async changedSince(projectId: number, since: number): Promise<string[]> {
    const rows = await this.prisma.chartCatalogName.findMany({ where: { projectId, revision: { gt: since } }, select: { name: true } });
    return rows.map((row) => row.name);
  }

  /** Inserts or replaces a version and bumps the project's revision, atomically. */
  async save(input: ChartRecordInput): Promise<void> {
    const data = {
      digest: input.digest,
      size: BigInt(input.size),
      provDigest: input.provDigest,
      provSize: input.provSize === null ? null : BigInt(input.provSize),
      manifestDigest: null,
      source: input.source,
      entry: input.entry as object,
      details: input.details as object,
      createdAt: input.createdAt,
    };
    const where = { projectId_name_version: { projectId: input.projectId, name: input.name, version: input.version } };
    await this.prisma.$transaction([
      this.prisma.chartVersion.upsert({ where, create: { projectId: input.projectId, name: input.name, version: input.version, ...data }, update: data }),
      this.#bump(input.projectId, input.name),
    ]);
  }

  /** Records a version's provenance file; index entries do not change, so no chart name is stamped. */
  async setProvenance(id: number, projectId: number, digest: string, size: number): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.chartVersion.update({ where: { id }, data: { provDigest: digest, provSize: BigInt(size) } }),
      this.#bump(projectId),
    ]);
  }

  async setManifestDigest(id: number, manifestDigest: string): Promise<void> {
    await this.prisma.chartVersion.updateMany({ where: { id }, data: { manifestDigest } });
  }

  /** Deletes a version; resolves false when it did not exist. */
  async delete(projectId: number, name: string, version: string): Promise<boolean> {
    const [deleted] = await this.prisma.$transaction([
      this.prisma.chartVersion.deleteMany({ where: { projectId, name, version } }),
      this.#bump(projectId, name),
    ]);
    return deleted.count > 0;
  }

  async count(projectId: number): Promise<number> {
    return this.prisma.chartVersion.count({ where: { projectId } });
  }

  /** Revision and last change of each project's catalog; a project without one is at revision 0. */
  async revisions(projectIds: number[]): Promise<Map<number, { revision: number; updatedAt: Date }>> {
    const rows = await this.prisma.chartCatalog.findMany({ where: { projectId: { in: projectIds } } });
    return new Map(rows.map((row) => [row.projectId, { revision: row.revision, updatedAt: row.updatedAt }]));
  }

  /**
   * Increments the project's catalog revision and stamps the changed chart
   * name, if any, with it. The catalog row stays locked until the transaction
   * commits, so revisions commit in order. A reader at revision R therefore
   * finds every later change among the names stamped above R.
   */
  #bump(projectId: number, name?: string) {
    if (name === undefined) {
      return this.prisma.$executeRaw`
        INSERT INTO chart_catalogs (project_id, revision, updated_at) VALUES (${projectId}, 1, now() AT TIME ZONE 'UTC')
        ON CONFLICT (project_id) DO UPDATE SET revision = chart_catalogs.revision + 1, updated_at = now() AT TIME ZONE 'UTC'`;
    }
    return this.prisma.$executeRaw`
      WITH bumped AS (
        INSERT INTO chart_catalogs (project_id, revision, updated_at) VALUES (${projectId}, 1, now() AT TIME ZONE 'UTC')
        ON CONFLICT (project_id) DO UPDATE SET revision = chart_catalogs.revision + 1, updated_at = now() AT TIME ZONE 'UTC'
        RETURNING revision
      )
      INSERT INTO chart_catalog_names (project_id, name, revision) SELECT ${projectId}, ${name}, revision FROM bumped
      ON CONFLICT (project_id, name) DO UPDATE SET revision = EXCLUDED.revision`;
  }
}
