import type { Logger } from 'pino';
import type { Prisma } from '../db/client.ts';
import { lockDigests } from '../db/transactions.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ManifestService } from '../manifests/manifest-service.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { blobKey } from '../storage/paths.ts';

export interface GcOptions {
  dryRun: boolean;
  /** Delete artifacts without tags first (not children of an index, not referrers of a subject). */
  deleteUntagged: boolean;
  /** Content newer than this is kept, so pushes in flight keep their blobs. */
  graceSeconds: number;
  trigger: 'cli' | 'graphql' | 'schedule' | 'test';
}

export interface GcReport {
  runId: number;
  dryRun: boolean;
  artifactsDeleted: number;
  blobsDeleted: number;
  bytesFreed: number;
  /** Storage files that had no database row, removed (or, in a dry run, found). */
  orphanFiles: number;
  /** In a dry run, the blobs that would go. */
  candidates: { digest: string; size: number }[];
}

/** Default grace period, as in Harbor: content uploaded in the last two hours stays. */
export const DEFAULT_GC_GRACE_SECONDS = 2 * 3600;
/** A run that started this long ago and never finished is taken as dead. */
const STALE_RUN_SECONDS = 6 * 3600;
const BATCH = 500;
/** Storage deletions in flight at once during a sweep. */
const FILE_CONCURRENCY = 16;

/**
 * A blob is garbage when no repository links it, no manifest references it and
 * no Helm chart version uses it as archive or provenance file. The chart check
 * matters because some charts exist only in the chart catalog: those whose name
 * is not a valid OCI repository name, and those whose OCI manifest was deleted
 * over /v2/.
 */
const UNREFERENCED = `
  NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM artifact_references ar WHERE ar.digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM chart_versions cv WHERE cv.digest = b.digest)
  AND NOT EXISTS (SELECT 1 FROM chart_versions cv WHERE cv.prov_digest = b.digest)`;

/**
 * Garbage collection by mark and sweep over the database. Mark: blobs that no
 * repository links and no manifest references, older than the grace period.
 * Sweep: each candidate under its digest lock, checked again, deleted from
 * storage, then from the database, in one short transaction. A push that links
 * the digest meanwhile either waits for the lock or makes the check fail, so it
 * keeps its blob. Finally storage files without a row are removed, so storage
 * contains exactly the blobs the database records.
 */
export class GcService {
  /** Called after each untagged artifact a run deleted, for the audit log. */
  onArtifactDeleted: (deleted: { projectId: number; repository: string; digest: string }) => void = () => {};

  constructor(
    private readonly prisma: Prisma,
    private readonly storage: StorageDriver,
    private readonly manifests: ManifestService,
    private readonly logger: Logger,
  ) {}

  async run(options: GcOptions): Promise<GcReport> {
    const runId = await this.#startRun(options);
    const report: GcReport = { runId, dryRun: options.dryRun, artifactsDeleted: 0, blobsDeleted: 0, bytesFreed: 0, orphanFiles: 0, candidates: [] };
    const cutoff = new Date(Date.now() - options.graceSeconds * 1000);

    try {
      if (options.deleteUntagged) report.artifactsDeleted = await this.#deleteUntagged(cutoff, options.dryRun);
      await this.#sweepBlobs(cutoff, options.dryRun, report);
      report.orphanFiles = await this.#sweepOrphanFiles(options.dryRun);
      await this.#finishRun(runId, 'succeeded', report);
      this.logger.info({ ...report, candidates: report.candidates.length }, 'garbage collection finished');
      return report;
    } catch (error) {
      await this.#finishRun(runId, 'failed', report, (error as Error).message);
      this.logger.error({ err: error, runId }, 'garbage collection failed');
      throw error;
    }
  }

  /** The most recent runs, newest first. */
  async history(limit = 20) {
    return this.prisma.gcRun.findMany({ orderBy: { id: 'desc' }, take: limit });
  }

  /** Whether a run started within `seconds`, for schedules shared by several instances. */
  async ranWithin(seconds: number): Promise<boolean> {
    const since = new Date(Date.now() - seconds * 1000);
    return (await this.prisma.gcRun.count({ where: { startedAt: { gt: since }, dryRun: false } })) > 0;
  }

  async #startRun(options: GcOptions): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO gc_runs (trigger, dry_run, delete_untagged, grace_seconds, status)
      SELECT ${options.trigger}, ${options.dryRun}, ${options.deleteUntagged}, ${options.graceSeconds}, 'running'
      WHERE NOT EXISTS (
        SELECT 1 FROM gc_runs WHERE status = 'running' AND started_at > now() - make_interval(secs => ${STALE_RUN_SECONDS})
      )
      RETURNING id`;
    const id = rows[0]?.id;
    if (id === undefined) throw new WharfError('CONFLICT', 'another garbage collection is running; try again when it has finished');
    return id;
  }

  async #finishRun(id: number, status: string, report: GcReport, error?: string): Promise<void> {
    await this.prisma.gcRun.update({
      where: { id },
      data: {
        status,
        finishedAt: new Date(),
        artifactsDeleted: report.artifactsDeleted,
        blobsDeleted: report.blobsDeleted,
        bytesFreed: BigInt(report.bytesFreed),
        error: error ?? null,
      },
    });
  }

  /** Deletes (or counts) untagged artifacts older than the cutoff that no index lists and that refer to no subject. */
  async #deleteUntagged(cutoff: Date, dryRun: boolean): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ digest: string; repository_id: number; name: string; project_id: number }[]>`
      SELECT a.digest, a.repository_id, r.name, r.project_id
      FROM artifacts a JOIN repositories r ON r.id = a.repository_id
      WHERE a.pushed_at < ${cutoff} AND a.subject_digest IS NULL
        AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.artifact_id = a.id)
        AND NOT EXISTS (
          SELECT 1 FROM artifact_references ar JOIN artifacts parent ON parent.id = ar.artifact_id
          WHERE ar.digest = a.digest AND ar.kind = 'manifest' AND parent.repository_id = a.repository_id
        )`;
    if (dryRun) return rows.length;

    let deleted = 0;
    for (const row of rows) {
      const repository = { id: row.repository_id, name: row.name, projectId: row.project_id };
      if (!(await this.manifests.deleteArtifact(repository, row.digest))) continue;
      deleted += 1;
      this.onArtifactDeleted({ projectId: row.project_id, repository: row.name, digest: row.digest });
    }
    return deleted;
  }

  async #sweepBlobs(cutoff: Date, dryRun: boolean, report: GcReport): Promise<void> {
    let after = '';
    for (;;) {
      const batch = await this.prisma.$queryRawUnsafe<{ digest: string; size: bigint }[]>(
        `SELECT b.digest, b.size FROM blobs b WHERE b.digest > $1 AND b.created_at < $2 AND ${UNREFERENCED} ORDER BY b.digest LIMIT ${BATCH}`,
        after,
        cutoff,
      );
      if (batch.length === 0) return;
      after = batch.at(-1)!.digest;

      if (dryRun) {
        for (const candidate of batch) report.candidates.push({ digest: candidate.digest, size: Number(candidate.size) });
        report.bytesFreed += batch.reduce((sum, candidate) => sum + Number(candidate.size), 0);
        continue;
      }
      const freed = await this.#deleteBlobs(batch.map((candidate) => candidate.digest), cutoff);
      report.blobsDeleted += freed.count;
      report.bytesFreed += freed.bytes;
    }
  }

  /**
   * Deletes the blobs of a batch that are still unreferenced, under their digest
   * locks (taken in sorted order), then their files. Returns what was freed.
   */
  async #deleteBlobs(digests: string[], cutoff: Date): Promise<{ count: number; bytes: number }> {
    return this.prisma.$transaction(
      async (tx) => {
        await lockDigests(tx, digests);
        const removed = await tx.$queryRawUnsafe<{ digest: string; size: bigint }[]>(
          `DELETE FROM blobs b WHERE b.digest = ANY($1::text[]) AND b.created_at < $2 AND ${UNREFERENCED} RETURNING b.digest, b.size`,
          digests,
          cutoff,
        );
        await forEachLimited(removed, FILE_CONCURRENCY, (row) => this.storage.delete(blobKey(row.digest)));
        return { count: removed.length, bytes: removed.reduce((sum, row) => sum + Number(row.size), 0) };
      },
      { maxWait: 30_000, timeout: 300_000 },
    );
  }

  /** Removes blob files that have no row, as left by a commit whose transaction failed after the move. */
  async #sweepOrphanFiles(dryRun: boolean): Promise<number> {
    let orphans = 0;
    let keys: string[] = [];
    const flush = async () => {
      orphans += await this.#removeOrphans(keys, dryRun);
      keys = [];
    };

    for await (const key of this.storage.list('blobs/')) {
      if (!digestOfKey(key)) continue;
      keys.push(key);
      if (keys.length >= BATCH) await flush();
    }
    await flush();
    return orphans;
  }

  async #removeOrphans(keys: string[], dryRun: boolean): Promise<number> {
    if (keys.length === 0) return 0;
    const digests = keys.map((key) => digestOfKey(key)!);
    const known = await this.prisma.blob.findMany({ where: { digest: { in: digests } }, select: { digest: true } });
    const knownSet = new Set(known.map((row) => row.digest));
    const orphans = digests.filter((digest) => !knownSet.has(digest));
    if (dryRun || orphans.length === 0) return orphans.length;

    return this.prisma.$transaction(
      async (tx) => {
        await lockDigests(tx, orphans);
        // A commit may have recorded one of them since the check above.
        const recorded = await tx.blob.findMany({ where: { digest: { in: orphans } }, select: { digest: true } });
        const recordedSet = new Set(recorded.map((row) => row.digest));
        const doomed = orphans.filter((digest) => !recordedSet.has(digest));
        await forEachLimited(doomed, FILE_CONCURRENCY, (digest) => this.storage.delete(blobKey(digest)));
        return doomed.length;
      },
      { maxWait: 30_000, timeout: 300_000 },
    );
  }
}

/** Runs `action` over the items with at most `limit` in flight. */
async function forEachLimited<T>(items: T[], limit: number, action: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await action(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Converts a storage key `blobs/sha256/ab/abcd...` to `sha256:abcd...`, or undefined for other keys. */
function digestOfKey(key: string): string | undefined {
  const match = /^blobs\/([a-z0-9]+)\/[0-9a-f]{2}\/([0-9a-f]+)$/.exec(key);
  return match ? `${match[1]}:${match[2]}` : undefined;
}
