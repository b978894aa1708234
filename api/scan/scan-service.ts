/**
 * Runs one scan job: an index fans out to its platform manifests, an image is
 * inventoried from its layers (streamed from storage), matched against the
 * advisory database, and its report and SBOM stored.
 */
import type { Logger } from 'pino';
import type { BlobService } from '../blobs/blob-service.ts';
import type { Prisma } from '../db/client.ts';
import { isNonDistributable } from '../manifests/media-types.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import { VERSION } from '../version.ts';
import { advisoryPackageKey, type AdvisoryStore } from './advisories/advisory-store.ts';
import { readImageInventory } from './inventory/image.ts';
import type { ClaimedJob, ScanQueue } from './jobs/scan-queue.ts';
import { AdvisoryIndex, matchInventory, summarizeFindings } from './match.ts';
import type { ReportStore, ScanOutcome } from './reports/report-store.ts';
import { buildCycloneDxSbom } from './sbom.ts';
import type { SbomReferrers } from './sbom-referrer.ts';
import { scanKind } from './scannable.ts';

/** An image to scan: its manifest and its layers in order. */
export interface ScanTarget {
  artifactId: number;
  digest: string;
  mediaType: string;
  size: number;
  repository: RepositoryRef;
  layers: { digest: string; mediaType: string }[];
}

/** Scans an image and returns the outcome without storing it; the built-in scanner or an external one. */
export interface ImageScanner {
  readonly name: string;
  scan(target: ScanTarget, startedAt: Date): Promise<ScanOutcome & { sbom?: object }>;
}

/** The scanner built into Wharf: offline, against the imported OSV advisories. */
export class BuiltinScanner implements ImageScanner {
  readonly name = 'wharf';

  constructor(
    private readonly blobs: BlobService,
    private readonly advisories: AdvisoryStore,
  ) {}

  async scan(target: ScanTarget, startedAt: Date): Promise<ScanOutcome & { sbom: object }> {
    const layers = target.layers
      .filter((layer) => !isNonDistributable(layer.mediaType))
      .map((layer) => ({ digest: layer.digest, open: () => this.blobs.open(layer.digest) }));
    const inventory = await readImageInventory(layers);

    const advisoryDatabaseVersion = await this.advisories.currentVersion();
    const keys = new Map<string, { ecosystem: string; name: string }>();
    for (const item of inventory.packages) {
      const key = advisoryPackageKey(item.ecosystem, item.sourceName ?? item.name);
      keys.set(`${key.ecosystem}\0${key.name}`, key);
    }
    const advisories = await this.advisories.findForPackages([...keys.values()]);
    const matched = matchInventory(inventory, new AdvisoryIndex(advisories));

    return {
      scanner: this.name,
      scannerVersion: VERSION,
      ...(advisoryDatabaseVersion !== undefined ? { advisoryDatabaseVersion } : {}),
      startedAt,
      inventory: { os: inventory.os, skipped: inventory.skipped, packageCount: inventory.packages.length },
      findings: matched.findings,
      summary: matched.summary,
      sbom: buildCycloneDxSbom(inventory, { name: target.repository.name, digest: target.digest, toolVersion: VERSION }),
    };
  }
}

export class ScanService {
  constructor(
    private readonly prisma: Prisma,
    private readonly queue: ScanQueue,
    private readonly reports: ReportStore,
    private readonly sboms: SbomReferrers,
    private readonly logger: Logger,
    private readonly scanner: () => Promise<ImageScanner>,
  ) {}

  /** Runs a claimed job to the end and records its outcome on the job; errors are logged, not raised. */
  async run(job: ClaimedJob): Promise<void> {
    try {
      await this.#scanArtifact(job);
      await this.queue.finish(job.id);
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error({ err: error, jobId: job.id, artifactId: job.artifactId }, 'scan job failed');
      await this.queue.finish(job.id, message).catch((finishError: unknown) => {
        this.logger.error({ err: finishError, jobId: job.id }, 'recording a failed scan job failed');
      });
    }
  }

  async #scanArtifact(job: ClaimedJob): Promise<void> {
    const artifact = await this.prisma.artifact.findUnique({
      where: { id: job.artifactId },
      select: {
        id: true,
        digest: true,
        mediaType: true,
        artifactType: true,
        size: true,
        repository: { select: { id: true, name: true, projectId: true } },
        references: { select: { digest: true, kind: true, mediaType: true }, orderBy: { position: 'asc' } },
      },
    });
    // The artifact was deleted after the job was queued: nothing to scan.
    if (!artifact) return;

    const kind = scanKind(artifact.mediaType, artifact.artifactType);
    if (kind === 'index') {
      const children = artifact.references.filter((reference) => reference.kind === 'manifest');
      await this.#enqueuePlatforms(artifact.repository.id, children, job.trigger !== 'push');
      return;
    }
    if (kind !== 'image') return;

    const target: ScanTarget = {
      artifactId: artifact.id,
      digest: artifact.digest,
      mediaType: artifact.mediaType,
      size: Number(artifact.size),
      repository: artifact.repository,
      layers: artifact.references.filter((reference) => reference.kind === 'layer'),
    };
    await this.#scanImage(job, target);
  }

  async #scanImage(job: ClaimedJob, target: ScanTarget): Promise<void> {
    const startedAt = new Date();
    const scanner = await this.scanner();
    let outcome: ScanOutcome & { sbom?: object };
    try {
      outcome = await scanner.scan(target, startedAt);
    } catch (error) {
      // A failed scan still gets a report, so the pull policy and the portal can tell it apart from "not scanned".
      const message = (error as Error).message;
      await this.reports.save(target.artifactId, job.id, {
        scanner: scanner.name,
        scannerVersion: VERSION,
        startedAt,
        findings: [],
        summary: summarizeFindings([]),
        error: message,
      });
      throw error;
    }

    if (outcome.sbom) outcome.sbomDigest = await this.#storeSbom(target, outcome.sbom);
    const replacedSbom = await this.reports.save(target.artifactId, job.id, outcome);
    if (replacedSbom) {
      await this.sboms.remove(target.repository, replacedSbom).catch((error: unknown) => {
        this.logger.warn({ err: error, digest: replacedSbom }, 'deleting a replaced SBOM failed');
      });
    }
    this.logger.info({ jobId: job.id, digest: target.digest, repository: target.repository.name, total: outcome.summary.total }, 'scan finished');
  }

  /** Stores the SBOM referrer; a failure (a full quota, say) leaves the report without one. */
  async #storeSbom(target: ScanTarget, sbom: object): Promise<string | undefined> {
    const subject = { mediaType: target.mediaType, digest: target.digest, size: target.size };
    try {
      return await this.sboms.store(target.repository, subject, sbom);
    } catch (error) {
      this.logger.warn({ err: error, digest: target.digest, repository: target.repository.name }, 'storing the SBOM failed');
      return undefined;
    }
  }

  /**
   * Queues the platform manifests of an index: all of them, or after a push
   * only those without a report or a pending job (their own push may have
   * queued them already).
   */
  async #enqueuePlatforms(repositoryId: number, children: { digest: string }[], all: boolean): Promise<void> {
    const digests = children.map((child) => child.digest);
    const artifacts = await this.prisma.artifact.findMany({
      where: {
        repositoryId,
        digest: { in: digests },
        ...(all ? {} : { scanReport: null, scanJobs: { none: { status: { in: ['queued', 'running'] } } } }),
      },
      select: { id: true },
    });
    for (const artifact of artifacts) await this.queue.enqueue(artifact.id, 'index');
  }
}
