import type { Prisma as PrismaClient } from '../db/client.ts';
import { Prisma } from '../db/generated/client.ts';
import { ARTIFACT_KIND_SQL, type ArtifactKind } from './artifact-kind.ts';
import { type SortKey, sortCondition } from './keyset.ts';

/** An artifact as the catalog shows it, without its manifest bytes. */
export interface ArtifactRow {
  id: number;
  repositoryId: number;
  digest: string;
  mediaType: string;
  artifactType: string | null;
  kind: ArtifactKind;
  /** Bytes of the manifest itself. */
  manifestSize: number;
  /** Bytes of the manifest plus every descriptor it references (config and layers, or child manifests). */
  size: number;
  subjectDigest: string | null;
  annotations: Record<string, string> | null;
  pushedAt: Date;
  pulledAt: Date | null;
}

/** A descriptor of a manifest: config, layer, or (for an index) child manifest with its platform. */
export interface ReferenceRow {
  artifactId: number;
  digest: string;
  kind: 'config' | 'layer' | 'manifest';
  mediaType: string;
  size: number;
  position: number;
  platform: Record<string, unknown> | null;
}

export interface TagRow {
  id: number;
  repositoryId: number;
  artifactId: number;
  name: string;
  pushedAt: Date;
  pulledAt: Date | null;
}

export const ARTIFACT_SORTS = ['PUSHED_AT', 'PULLED_AT', 'SIZE'] as const;
export type ArtifactSort = (typeof ARTIFACT_SORTS)[number];

export interface ArtifactPageOptions {
  limit: number;
  sort: ArtifactSort;
  /** Sort value and id of the last artifact of the previous page. */
  after?: SortKey;
  kind?: ArtifactKind;
}

type RawArtifact = Omit<ArtifactRow, 'manifestSize' | 'size'> & { manifestSize: bigint; size: bigint };

const SIZE_SQL = Prisma.sql`(a.size + COALESCE((SELECT SUM(r.size) FROM artifact_references r WHERE r.artifact_id = a.id), 0))::bigint`;

const ARTIFACT_COLUMNS = Prisma.sql`
  a.id, a.repository_id AS "repositoryId", a.digest, a.media_type AS "mediaType", a.artifact_type AS "artifactType",
  a.size AS "manifestSize", ${SIZE_SQL} AS size, a.subject_digest AS "subjectDigest", a.annotations,
  a.pushed_at AS "pushedAt", a.pulled_at AS "pulledAt", (${ARTIFACT_KIND_SQL}) AS kind`;

/** SQL value each artifact sort orders by, newest or largest first. Never null, so keyset comparisons work. */
const SORT_SQL: Record<ArtifactSort, { expression: Prisma.Sql; cast: 'timestamp' | 'bigint' }> = {
  PUSHED_AT: { expression: Prisma.sql`a.pushed_at`, cast: 'timestamp' },
  PULLED_AT: { expression: Prisma.sql`COALESCE(a.pulled_at, 'epoch'::timestamp)`, cast: 'timestamp' },
  SIZE: { expression: SIZE_SQL, cast: 'bigint' },
};

function toArtifact(row: RawArtifact): ArtifactRow {
  return { ...row, manifestSize: Number(row.manifestSize), size: Number(row.size) };
}

/** Returns the value an artifact is sorted by, in the form cursors store it. */
export function artifactSortValue(row: ArtifactRow, sort: ArtifactSort): string {
  switch (sort) {
    case 'PUSHED_AT':
      return row.pushedAt.toISOString();
    case 'PULLED_AT':
      return (row.pulledAt ?? new Date(0)).toISOString();
    case 'SIZE':
      return String(row.size);
  }
}

/**
 * Batched reads of artifacts, their tags and descriptors for the catalog API.
 * Each method runs one SQL statement whatever the number of ids it gets.
 */
export class ArtifactReader {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Reads one page of artifacts for each repository, largest sort value first
   * (ties by id), in a single statement. A lateral subquery pages each repository.
   */
  async pageByRepositories(repositoryIds: readonly number[], options: ArtifactPageOptions): Promise<Map<number, ArtifactRow[]>> {
    const byRepository = new Map<number, ArtifactRow[]>(repositoryIds.map((id) => [id, []]));
    if (repositoryIds.length === 0 || options.limit === 0) return byRepository;

    const sort = SORT_SQL[options.sort];
    const after = options.after ? sortCondition(sort.expression, sort.cast, options.after, 'descending') : Prisma.sql`TRUE`;
    const kind = options.kind ? Prisma.sql`AND (${ARTIFACT_KIND_SQL}) = ${options.kind}` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<RawArtifact[]>`
      SELECT page.* FROM unnest(${[...repositoryIds]}::int[]) AS ids(id)
      CROSS JOIN LATERAL (
        SELECT ${ARTIFACT_COLUMNS} FROM artifacts a
        WHERE a.repository_id = ids.id AND ${after} ${kind}
        ORDER BY ${sort.expression} DESC, a.id DESC
        LIMIT ${options.limit}
      ) AS page`;
    for (const row of rows) byRepository.get(row.repositoryId)?.push(toArtifact(row));
    return byRepository;
  }

  /** Number of artifacts per repository, of one kind when `kind` is set. */
  async countByRepositories(repositoryIds: readonly number[], kind?: ArtifactKind): Promise<Map<number, number>> {
    if (repositoryIds.length === 0) return new Map();
    const filter = kind ? Prisma.sql`AND (${ARTIFACT_KIND_SQL}) = ${kind}` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ repositoryId: number; count: bigint }[]>`
      SELECT a.repository_id AS "repositoryId", COUNT(*) AS count FROM artifacts a
      WHERE a.repository_id = ANY(${[...repositoryIds]}::int[]) ${filter}
      GROUP BY a.repository_id`;
    return new Map(rows.map((row) => [row.repositoryId, Number(row.count)]));
  }

  async getMany(ids: readonly number[]): Promise<ArtifactRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.$queryRaw<RawArtifact[]>`
      SELECT ${ARTIFACT_COLUMNS} FROM artifacts a WHERE a.id = ANY(${[...ids]}::int[])`;
    return rows.map(toArtifact);
  }

  /** Finds artifacts by (repository id, digest) pairs, leaving out pairs without an artifact. */
  async findByDigests(keys: readonly { repositoryId: number; digest: string }[]): Promise<ArtifactRow[]> {
    if (keys.length === 0) return [];
    const rows = await this.prisma.$queryRaw<RawArtifact[]>`
      SELECT ${ARTIFACT_COLUMNS} FROM artifacts a
      JOIN unnest(${keys.map((key) => key.repositoryId)}::int[], ${keys.map((key) => key.digest)}::text[]) AS k(repository_id, digest)
        ON a.repository_id = k.repository_id AND a.digest = k.digest`;
    return rows.map(toArtifact);
  }

  /** Artifacts by (repository id, tag) pairs, as `tag` rows joined to their artifact. */
  async findByTags(keys: readonly { repositoryId: number; tag: string }[]): Promise<(ArtifactRow & { tag: string })[]> {
    if (keys.length === 0) return [];
    const rows = await this.prisma.$queryRaw<(RawArtifact & { tag: string })[]>`
      SELECT ${ARTIFACT_COLUMNS}, t.name AS tag FROM tags t
      JOIN unnest(${keys.map((key) => key.repositoryId)}::int[], ${keys.map((key) => key.tag)}::text[]) AS k(repository_id, name)
        ON t.repository_id = k.repository_id AND t.name = k.name
      JOIN artifacts a ON a.id = t.artifact_id`;
    return rows.map((row) => ({ ...toArtifact(row), tag: row.tag }));
  }

  /** Artifacts whose subject is one of the given artifacts, in the subject's repository, oldest first. */
  async referrersOf(subjects: readonly { repositoryId: number; digest: string }[]): Promise<ArtifactRow[]> {
    if (subjects.length === 0) return [];
    const rows = await this.prisma.$queryRaw<RawArtifact[]>`
      SELECT ${ARTIFACT_COLUMNS} FROM artifacts a
      JOIN unnest(${subjects.map((key) => key.repositoryId)}::int[], ${subjects.map((key) => key.digest)}::text[]) AS k(repository_id, digest)
        ON a.repository_id = k.repository_id AND a.subject_digest = k.digest
      ORDER BY a.id`;
    return rows.map(toArtifact);
  }

  /** Tags of the artifacts, by name. */
  async tagsOf(artifactIds: readonly number[]): Promise<TagRow[]> {
    if (artifactIds.length === 0) return [];
    return this.prisma.$queryRaw<TagRow[]>`
      SELECT t.id, t.repository_id AS "repositoryId", t.artifact_id AS "artifactId", t.name, t.pushed_at AS "pushedAt", t.pulled_at AS "pulledAt"
      FROM tags t WHERE t.artifact_id = ANY(${[...artifactIds]}::int[])
      ORDER BY t.name COLLATE "C"`;
  }

  /** Stored manifest bytes of the artifacts, exactly as pushed. */
  async manifestsOf(artifactIds: readonly number[]): Promise<{ artifactId: number; content: Uint8Array }[]> {
    if (artifactIds.length === 0) return [];
    return this.prisma.$queryRaw<{ artifactId: number; content: Uint8Array }[]>`
      SELECT a.id AS "artifactId", a.content FROM artifacts a WHERE a.id = ANY(${[...artifactIds]}::int[])`;
  }

  /** Descriptors of the artifacts, in manifest order. */
  async referencesOf(artifactIds: readonly number[]): Promise<ReferenceRow[]> {
    if (artifactIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<(Omit<ReferenceRow, 'size'> & { size: bigint })[]>`
      SELECT r.artifact_id AS "artifactId", r.digest, r.kind, r.media_type AS "mediaType", r.size, r.position, r.platform
      FROM artifact_references r WHERE r.artifact_id = ANY(${[...artifactIds]}::int[])
      ORDER BY r.artifact_id, r.position`;
    return rows.map((row) => ({ ...row, size: Number(row.size) }));
  }
}
