/**
 * The scan job queue, a PostgreSQL table that every instance shares. A worker
 * claims a job with `FOR UPDATE SKIP LOCKED`, so two workers never take the same
 * row, and holds it under a lease: a job whose worker stopped (crash, restart)
 * is taken again once its lease expires. Nothing lives in memory, so the queue
 * survives a restart.
 */
import type { Prisma } from '../../db/client.ts';

/** Event that started a scan. */
export type ScanTrigger = 'push' | 'manual' | 'rescan' | 'index';

export type ScanJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A claimed job: the artifact to scan. */
export interface ClaimedJob {
  id: number;
  artifactId: number;
  trigger: ScanTrigger;
  attempts: number;
}

/** A job as its waiters see it. */
export interface ScanJobState {
  id: number;
  artifactId: number;
  status: ScanJobStatus;
  error: string | null;
}

/** Attempts after which a job whose worker keeps stopping is marked failed. */
export const MAX_SCAN_ATTEMPTS = 3;

export class ScanQueue {
  constructor(
    private readonly prisma: Prisma,
    private readonly leaseSeconds: number,
  ) {}

  /**
   * Queues a scan of an artifact, unless one is already queued for it: a push
   * and a manual request close together share one job. Returns the job id.
   */
  async enqueue(artifactId: number, trigger: ScanTrigger): Promise<number> {
    const queued = await this.prisma.scanJob.findFirst({ where: { artifactId, status: 'queued' }, select: { id: true } });
    if (queued) return queued.id;
    const job = await this.prisma.scanJob.create({ data: { artifactId, trigger }, select: { id: true } });
    return job.id;
  }

  /**
   * Claims the oldest queued job, or a running one whose lease expired, or
   * only job `onlyJobId` when given. Returns undefined when there is none.
   */
  async claim(worker: string, onlyJobId?: number): Promise<ClaimedJob | undefined> {
    const rows = await this.prisma.$queryRaw<ClaimedJob[]>`
      UPDATE scan_jobs SET status = 'running', worker = ${worker}, attempts = attempts + 1,
        started_at = now(), lease_expires_at = now() + make_interval(secs => ${this.leaseSeconds})
      WHERE id = (
        SELECT id FROM scan_jobs
        WHERE (status = 'queued' OR (status = 'running' AND lease_expires_at < now()))
          AND (${onlyJobId ?? null}::int IS NULL OR id = ${onlyJobId ?? null}::int)
        ORDER BY id
        FOR UPDATE SKIP LOCKED
        LIMIT 1)
      RETURNING id, artifact_id AS "artifactId", trigger, attempts`;
    return rows[0];
  }

  /** Extends the lease of a running job, so a long scan keeps it. */
  async renew(jobId: number, worker: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE scan_jobs SET lease_expires_at = now() + make_interval(secs => ${this.leaseSeconds})
      WHERE id = ${jobId} AND worker = ${worker} AND status = 'running'`;
  }

  /** Marks a job finished; `error` set means failed. */
  async finish(jobId: number, error?: string): Promise<void> {
    await this.prisma.scanJob.update({
      where: { id: jobId },
      data: { status: error === undefined ? 'succeeded' : 'failed', error: error ?? null, finishedAt: new Date(), leaseExpiresAt: null },
    });
  }

  async state(jobId: number): Promise<ScanJobState | undefined> {
    const job = await this.prisma.scanJob.findUnique({ where: { id: jobId }, select: { id: true, artifactId: true, status: true, error: true } });
    return job ? { ...job, status: job.status as ScanJobStatus } : undefined;
  }

  /** Counts jobs per status, for the metrics and the CLI. */
  async counts(): Promise<Record<string, number>> {
    const groups = await this.prisma.scanJob.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  }
}
