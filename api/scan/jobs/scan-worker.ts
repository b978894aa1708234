/**
 * The scan worker each instance starts: it claims jobs from the shared queue
 * one at a time, renews the lease while a scan runs, and polls for new jobs.
 * A job queued in this process wakes it at once.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ScanService } from '../scan-service.ts';
import { type ClaimedJob, MAX_SCAN_ATTEMPTS, type ScanQueue } from './scan-queue.ts';

export interface ScanWorkerOptions {
  /** Wait between polls of an empty queue, in milliseconds. */
  pollIntervalMs: number;
  /** Interval between lease renewals of a running job, in milliseconds. */
  renewIntervalMs: number;
}

export class ScanWorker {
  /** Worker name stored on claimed jobs: host, process and a random suffix. */
  readonly name = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(
    private readonly queue: ScanQueue,
    private readonly scans: ScanService,
    private readonly logger: Logger,
    private readonly options: ScanWorkerOptions,
  ) {}

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Stops polling and waits for the running job, if any, to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Looks for work now instead of at the next poll. */
  wake(): void {
    if (this.#stopped || this.#running) return;
    clearTimeout(this.#timer);
    this.#running = this.#drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'scan worker failed to claim a job'))
      .finally(() => {
        this.#running = undefined;
        if (!this.#stopped) {
          this.#timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
          this.#timer.unref();
        }
      });
  }

  /**
   * Claims and runs job `jobId` in this process, when no worker has claimed it.
   * Returns false when it is not claimable (running elsewhere, or finished).
   */
  async runJob(jobId: number): Promise<boolean> {
    const job = await this.queue.claim(this.name, jobId);
    if (!job) return false;
    await this.#run(job);
    return true;
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const job = await this.queue.claim(this.name);
      if (!job) return;
      await this.#run(job);
    }
  }

  async #run(job: ClaimedJob): Promise<void> {
    if (job.attempts > MAX_SCAN_ATTEMPTS) {
      this.logger.error({ jobId: job.id, attempts: job.attempts }, 'scan job gave up after repeated worker stops');
      await this.queue.finish(job.id, `the scan stopped ${job.attempts - 1} times before finishing`);
      return;
    }
    const renewal = setInterval(() => {
      this.queue.renew(job.id, this.name).catch((error: unknown) => this.logger.warn({ err: error, jobId: job.id }, 'renewing a scan lease failed'));
    }, this.options.renewIntervalMs);
    renewal.unref();
    try {
      await this.scans.run(job);
    } finally {
      clearInterval(renewal);
    }
  }
}
