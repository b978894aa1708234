import type { Prisma } from '../db/client.ts';
import { lockDigest, lockDigests, type Transaction } from '../db/transactions.ts';
import { TRANSACTION_OPTIONS } from '../blobs/blob-service.ts';
import { WharfError } from '../errors/catalog.ts';
import { formatSize } from './sizes.ts';

/** Key in system_settings of the storage limit given to new projects. */
const DEFAULT_LIMIT_KEY = 'quota.defaultStorageLimit';

export interface ProjectUsage {
  project: string;
  limit: number;
  used: number;
}

export interface UsageDrift {
  project: string;
  recorded: number;
  actual: number;
}

/** Content to count against a project's quota: a digest and its size in bytes. */
export interface CountedContent {
  digest: string;
  size: number;
}

/**
 * Distinct content of every project, as usage counts it: blobs linked into its
 * repositories, manifests stored in them, and the archives and provenance
 * files of its Helm chart versions, each digest once.
 */
const PROJECT_CONTENT = `
  SELECT r.project_id, rb.digest, b.size
  FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id JOIN blobs b ON b.digest = rb.digest
  UNION
  SELECT r.project_id, a.digest, a.size
  FROM artifacts a JOIN repositories r ON r.id = a.repository_id
  UNION
  SELECT cv.project_id, cv.digest, cv.size FROM chart_versions cv
  UNION
  SELECT cv.project_id, cv.prov_digest, cv.prov_size FROM chart_versions cv WHERE cv.prov_digest IS NOT NULL`;

/**
 * Storage quotas. Usage is the sum of the sizes in project_blobs, which
 * contains each digest a project uses once. Charging inserts the digest and raises the
 * usage in one conditional UPDATE of the project row, so concurrent pushes
 * queue on that row and cannot together pass the limit. Callers run it in the
 * transaction that links the content, so a rejected push leaves nothing counted.
 */
export class QuotaService {
  constructor(private readonly prisma: Prisma) {}

  /** Counts `digest` in the project unless it is counted already; raises DENIED over the limit. */
  async charge(tx: Transaction, projectId: number, digest: string, size: number): Promise<void> {
    const inserted = await tx.$executeRaw`
      INSERT INTO project_blobs (project_id, digest, size) VALUES (${projectId}, ${digest}, ${BigInt(size)})
      ON CONFLICT DO NOTHING`;
    if (inserted === 0) return;
    await this.#addUsage(tx, projectId, size);
  }

  /**
   * Counts every item the project does not count yet, in one transaction of
   * its own under the digests' locks. Either all of them fit under the limit,
   * or none is counted and DENIED gives the total they would add.
   */
  async chargeAll(projectId: number, items: CountedContent[]): Promise<void> {
    const unique = [...new Map(items.map((item) => [item.digest, item])).values()];
    await this.prisma.$transaction(
      async (tx) => {
        await lockDigests(tx, unique.map((item) => item.digest));
        let added = 0;
        for (const item of unique) {
          const inserted = await tx.$executeRaw`
            INSERT INTO project_blobs (project_id, digest, size) VALUES (${projectId}, ${item.digest}, ${BigInt(item.size)})
            ON CONFLICT DO NOTHING`;
          if (inserted === 1) added += item.size;
        }
        if (added > 0) await this.#addUsage(tx, projectId, added);
      },
      TRANSACTION_OPTIONS,
    );
  }

  /** Adds `size` to the usage in one conditional UPDATE, raising DENIED when the sum would exceed the limit. */
  async #addUsage(tx: Transaction, projectId: number, size: number): Promise<void> {
    const updated = await tx.$executeRaw`
      UPDATE projects SET storage_used = storage_used + ${BigInt(size)}
      WHERE id = ${projectId} AND (storage_limit < 0 OR storage_used + ${BigInt(size)} <= storage_limit)`;
    if (updated === 1) return;

    const project = await tx.project.findUniqueOrThrow({ where: { id: projectId } });
    throw new WharfError(
      'DENIED',
      `storage quota of project ${project.name} exceeded: limit ${formatSize(project.storageLimit)}, ` +
        `used ${formatSize(project.storageUsed)}, this push adds ${formatSize(size)}`,
      { limit: Number(project.storageLimit), used: Number(project.storageUsed), requested: size },
    );
  }

  /** Stops counting each digest (locking each) the project no longer links or stores, and lowers usage by its size. */
  async release(tx: Transaction, projectId: number, digests: string[]): Promise<void> {
    // Sorted, so two transactions releasing overlapping digests take their locks in one order.
    for (const digest of [...new Set(digests)].sort()) {
      await lockDigest(tx, digest);
      const stillUsed = await tx.$queryRaw<{ used: boolean }[]>`
        SELECT EXISTS (
          SELECT 1 FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id
          WHERE r.project_id = ${projectId} AND rb.digest = ${digest}
        ) OR EXISTS (
          SELECT 1 FROM artifacts a JOIN repositories r ON r.id = a.repository_id
          WHERE r.project_id = ${projectId} AND a.digest = ${digest}
        ) OR EXISTS (
          SELECT 1 FROM chart_versions cv
          WHERE cv.project_id = ${projectId} AND (cv.digest = ${digest} OR cv.prov_digest = ${digest})
        ) AS used`;
      if (stillUsed[0]?.used) continue;

      const removed = await tx.$queryRaw<{ size: bigint }[]>`
        DELETE FROM project_blobs WHERE project_id = ${projectId} AND digest = ${digest} RETURNING size`;
      const size = removed[0]?.size;
      if (size !== undefined) {
        await tx.$executeRaw`UPDATE projects SET storage_used = storage_used - ${size} WHERE id = ${projectId}`;
      }
    }
  }

  /** Runs `release` in a transaction of its own. */
  async releaseUnused(projectId: number, digests: string[]): Promise<void> {
    if (digests.length === 0) return;
    await this.prisma.$transaction((tx) => this.release(tx, projectId, digests), TRANSACTION_OPTIONS);
  }

  async usage(projectName: string): Promise<ProjectUsage> {
    const project = await this.prisma.project.findUnique({ where: { name: projectName } });
    if (!project) throw new WharfError('NOT_FOUND', `project "${projectName}" not found`);
    return { project: project.name, limit: Number(project.storageLimit), used: Number(project.storageUsed) };
  }

  /** Sets a project's limit in bytes (-1 for unlimited). A limit below the usage blocks further pushes. */
  async setLimit(projectName: string, bytes: number): Promise<ProjectUsage> {
    if (!Number.isSafeInteger(bytes) || bytes < -1) throw new WharfError('INVALID_INPUT', `invalid storage limit ${bytes}; use bytes or -1`);
    const result = await this.prisma.project.updateMany({ where: { name: projectName }, data: { storageLimit: BigInt(bytes) } });
    if (result.count === 0) throw new WharfError('NOT_FOUND', `project "${projectName}" not found`);
    return this.usage(projectName);
  }

  /** The limit new projects get, -1 when unlimited. */
  async defaultLimit(): Promise<number> {
    const setting = await this.prisma.systemSetting.findUnique({ where: { key: DEFAULT_LIMIT_KEY } });
    return typeof setting?.value === 'number' ? setting.value : -1;
  }

  async setDefaultLimit(bytes: number): Promise<void> {
    if (!Number.isSafeInteger(bytes) || bytes < -1) throw new WharfError('INVALID_INPUT', `invalid storage limit ${bytes}; use bytes or -1`);
    await this.prisma.systemSetting.upsert({ where: { key: DEFAULT_LIMIT_KEY }, create: { key: DEFAULT_LIMIT_KEY, value: bytes }, update: { value: bytes } });
  }

  /**
   * Recomputes every project's usage from its links and manifests and returns
   * the projects whose recorded figure differs. With `fix`, rewrites their
   * counted digests and usage from the recomputation.
   */
  async verify(fix: boolean): Promise<UsageDrift[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: number; name: string; recorded: bigint; counted: bigint; actual: bigint }[]>(`
      SELECT p.id, p.name, p.storage_used AS recorded,
             COALESCE((SELECT SUM(pb.size) FROM project_blobs pb WHERE pb.project_id = p.id), 0)::bigint AS counted,
             COALESCE((SELECT SUM(c.size) FROM (${PROJECT_CONTENT}) c WHERE c.project_id = p.id), 0)::bigint AS actual
      FROM projects p ORDER BY p.name`);
    const drifted = rows.filter((row) => row.recorded !== row.actual || row.counted !== row.actual);

    if (fix) {
      for (const row of drifted) await this.#rebuild(row.id);
    }
    return drifted.map((row) => ({ project: row.name, recorded: Number(row.recorded), actual: Number(row.actual) }));
  }

  async #rebuild(projectId: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT id FROM projects WHERE id = ${projectId} FOR UPDATE`;
      await tx.$executeRaw`DELETE FROM project_blobs WHERE project_id = ${projectId}`;
      await tx.$executeRawUnsafe(
        `INSERT INTO project_blobs (project_id, digest, size)
         SELECT project_id, digest, MAX(size) FROM (${PROJECT_CONTENT}) c WHERE c.project_id = $1 GROUP BY project_id, digest`,
        projectId,
      );
      await tx.$executeRaw`
        UPDATE projects SET storage_used = COALESCE((SELECT SUM(size) FROM project_blobs WHERE project_id = ${projectId}), 0)
        WHERE id = ${projectId}`;
    });
  }
}
