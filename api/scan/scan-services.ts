/**
 * Wiring of the scan services for one Wharf instance, and the entry points the
 * CLI, GraphQL and HTTP use: request a scan, wait for it, read its report.
 */
import type { Logger } from 'pino';
import type { BlobService } from '../blobs/blob-service.ts';
import type { Config } from '../config/index.ts';
import type { RobotService } from '../robots/robot-service.ts';
import type { TokenService } from '../token/token-service.ts';
import { ExternalScanner, ExternalScannerSetting } from './external/external-scanner.ts';
import { ScannerCredentials } from './external/scanner-credentials.ts';
import type { Prisma } from '../db/client.ts';
import { looksLikeDigest } from '../digest/digest.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ManifestPush, ManifestService } from '../manifests/manifest-service.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { AdvisoryStore } from './advisories/advisory-store.ts';
import { ScanQueue, type ScanJobState, type ScanTrigger } from './jobs/scan-queue.ts';
import { ScanWorker } from './jobs/scan-worker.ts';
import { PullPolicy } from './policy/pull-policy.ts';
import { ScanSettingsService } from './policy/scan-settings.ts';
import { ReportStore } from './reports/report-store.ts';
import { SbomReferrers } from './sbom-referrer.ts';
import { scanKind } from './scannable.ts';
import { BuiltinScanner, type ImageScanner, ScanService } from './scan-service.ts';

/** Seconds a worker keeps a claimed job before another worker may take it over. */
const LEASE_SECONDS = 300;

export interface ScanDependencies {
  prisma: Prisma;
  storage: StorageDriver;
  blobs: BlobService;
  manifests: ManifestService;
  logger: Logger;
  robots: RobotService;
  tokens: TokenService;
  config: Config;
}

/** An artifact resolved from `repository:tag` or `repository@digest`. */
export interface ResolvedArtifact {
  id: number;
  digest: string;
  mediaType: string;
  repository: RepositoryRef;
}

export class ScanServices {
  readonly advisories: AdvisoryStore;
  readonly queue: ScanQueue;
  readonly reports: ReportStore;
  readonly settings: ScanSettingsService;
  readonly policy: PullPolicy;
  readonly worker: ScanWorker;
  /** The external scanner (Harbor's Pluggable Scanner Adapter API) that replaces the built-in one when set. */
  readonly externalScanner: ExternalScannerSetting;
  readonly scannerCredentials: ScannerCredentials;
  readonly #prisma: Prisma;

  constructor(dependencies: ScanDependencies, workerOptions = { pollIntervalMs: 2_000, renewIntervalMs: 60_000 }) {
    const { prisma, storage, blobs, manifests, logger, robots, tokens, config } = dependencies;
    this.#prisma = prisma;
    this.advisories = new AdvisoryStore(prisma);
    this.queue = new ScanQueue(prisma, LEASE_SECONDS);
    this.reports = new ReportStore(prisma);
    this.settings = new ScanSettingsService(prisma);
    this.externalScanner = new ExternalScannerSetting(prisma);
    this.scannerCredentials = new ScannerCredentials(prisma, robots, tokens);
    this.policy = new PullPolicy(prisma, this.settings, this.reports, this.scannerCredentials);
    const builtin = new BuiltinScanner(blobs, this.advisories);
    const chooseScanner = async (): Promise<ImageScanner> => {
      const endpoint = await this.externalScanner.get();
      return endpoint ? new ExternalScanner(endpoint, this.scannerCredentials, () => config.externalUrl) : builtin;
    };
    const scans = new ScanService(prisma, this.queue, this.reports, new SbomReferrers(storage, blobs, manifests), logger, chooseScanner);
    this.worker = new ScanWorker(this.queue, scans, logger, workerOptions);
    manifests.pushHooks.push((push) => this.#onPush(push));
  }

  /** Finds an artifact by tag or digest; raises NOT_FOUND. */
  async resolve(repositoryName: string, reference: string): Promise<ResolvedArtifact> {
    const select = { id: true, digest: true, mediaType: true, repository: { select: { id: true, name: true, projectId: true } } };
    const artifact = looksLikeDigest(reference)
      ? await this.#prisma.artifact.findFirst({ where: { repository: { name: repositoryName }, digest: reference }, select })
      : (await this.#prisma.tag.findFirst({ where: { repository: { name: repositoryName }, name: reference }, select: { artifact: { select } } }))?.artifact;
    if (!artifact) throw new WharfError('NOT_FOUND', `artifact ${repositoryName}:${reference} not found`);
    return artifact;
  }

  /** Queues a scan of an artifact and wakes this instance's worker; returns the job id. */
  async requestScan(artifactId: number, trigger: ScanTrigger): Promise<number> {
    const jobId = await this.queue.enqueue(artifactId, trigger);
    this.worker.wake();
    return jobId;
  }

  /**
   * Waits until a job finishes: runs it in this process when no worker has
   * claimed it, else polls. Raises when `timeoutMs` passes first.
   */
  async waitForJob(jobId: number, timeoutMs: number): Promise<ScanJobState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.queue.state(jobId);
      if (!state) throw new WharfError('NOT_FOUND', `scan job ${jobId} not found`);
      if (state.status === 'succeeded' || state.status === 'failed') return state;
      if (state.status === 'queued' && (await this.worker.runJob(jobId))) continue;
      if (Date.now() >= deadline) throw new WharfError('INTERNAL_ERROR', `scan job ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Queues a rescan of every artifact that has a report, after the advisories changed. Returns how many. */
  async rescanAll(): Promise<number> {
    const artifactIds = await this.reports.scannedArtifactIds();
    for (const artifactId of artifactIds) await this.queue.enqueue(artifactId, 'rescan');
    this.worker.wake();
    return artifactIds.length;
  }

  /** Push hook: after an image or index is stored in a project with scan on push, queue its scan. */
  async #onPush(push: ManifestPush): Promise<(() => Promise<void>) | undefined> {
    if (scanKind(push.manifest.mediaType, push.manifest.artifactType) === 'other') return undefined;
    const settings = await this.settings.get(push.repository.projectId);
    if (!settings.scanOnPush) return undefined;
    return async () => {
      const artifact = await this.#prisma.artifact.findUnique({
        where: { repositoryId_digest: { repositoryId: push.repository.id, digest: push.digest } },
        select: { id: true },
      });
      if (artifact) await this.requestScan(artifact.id, 'push');
    };
  }
}
