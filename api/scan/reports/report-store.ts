/**
 * Scan reports in PostgreSQL: the latest report of each image manifest, its
 * findings in severity order, and counts per severity.
 */
import type { Prisma } from '../../db/client.ts';
import { TRANSACTION_OPTIONS } from '../../blobs/blob-service.ts';
import type { Inventory } from '../inventory/types.ts';
import type { Finding, SeveritySummary } from '../match.ts';
import type { Severity } from '../severity.ts';

/** The outcome of scanning one image, as the report stores it. */
export interface ScanOutcome {
  scanner: string;
  scannerVersion: string;
  advisoryDatabaseVersion?: number;
  startedAt: Date;
  inventory?: Pick<Inventory, 'os' | 'skipped'> & { packageCount: number };
  findings: Finding[];
  summary: SeveritySummary;
  sbomDigest?: string;
  /** Set when the scan failed; the report then has no findings. */
  error?: string;
}

/** A stored report with its findings. */
export interface StoredReport {
  id: number;
  artifactId: number;
  status: 'succeeded' | 'failed';
  error: string | null;
  scanner: string;
  scannerVersion: string;
  advisoryDatabaseVersion: number | null;
  os: unknown;
  packageCount: number;
  summary: SeveritySummary;
  sbomDigest: string | null;
  startedAt: Date;
  finishedAt: Date;
}

export interface StoredFinding extends Omit<Finding, 'fixedVersion' | 'cvssScore' | 'cvssVector'> {
  fixedVersion: string | null;
  cvssScore: number | null;
  cvssVector: string | null;
}

export class ReportStore {
  constructor(private readonly prisma: Prisma) {}

  /** Replaces the artifact's report with a new one. Returns the previous SBOM digest, if any. */
  async save(artifactId: number, jobId: number | undefined, outcome: ScanOutcome): Promise<string | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const previous = await tx.scanReport.findUnique({ where: { artifactId }, select: { sbomDigest: true } });
      await tx.scanReport.deleteMany({ where: { artifactId } });
      const { summary } = outcome;
      const report = await tx.scanReport.create({
        data: {
          artifactId,
          jobId: jobId ?? null,
          scanner: outcome.scanner,
          scannerVersion: outcome.scannerVersion,
          advisoryDatabaseVersion: outcome.advisoryDatabaseVersion ?? null,
          status: outcome.error === undefined ? 'succeeded' : 'failed',
          error: outcome.error ?? null,
          os: (outcome.inventory?.os as object | undefined) ?? undefined,
          packageCount: outcome.inventory?.packageCount ?? 0,
          skipped: (outcome.inventory?.skipped as object[] | undefined) ?? undefined,
          critical: summary.Critical,
          high: summary.High,
          medium: summary.Medium,
          low: summary.Low,
          negligible: summary.Negligible,
          unknown: summary.Unknown,
          total: summary.total,
          fixable: summary.fixable,
          sbomDigest: outcome.sbomDigest ?? null,
          startedAt: outcome.startedAt,
        },
        select: { id: true },
      });
      await tx.scanVulnerability.createMany({
        data: outcome.findings.map((finding, position) => ({
          reportId: report.id,
          position,
          advisoryId: finding.advisoryId,
          aliases: finding.aliases,
          summary: finding.summary,
          packageName: finding.packageName,
          ecosystem: finding.ecosystem,
          installedVersion: finding.installedVersion,
          fixedVersion: finding.fixedVersion ?? null,
          severity: finding.severity,
          cvssScore: finding.cvssScore ?? null,
          cvssVector: finding.cvssVector ?? null,
          layerDigest: finding.layerDigest,
          path: finding.path,
        })),
      });
      const replacedSbom = previous?.sbomDigest ?? undefined;
      return replacedSbom !== outcome.sbomDigest ? replacedSbom : undefined;
    }, TRANSACTION_OPTIONS);
  }

  /** Returns the artifact's report, or undefined when it was never scanned. */
  async find(artifactId: number): Promise<StoredReport | undefined> {
    const row = await this.prisma.scanReport.findUnique({ where: { artifactId } });
    if (!row) return undefined;
    return {
      id: row.id,
      artifactId: row.artifactId,
      status: row.status as StoredReport['status'],
      error: row.error,
      scanner: row.scanner,
      scannerVersion: row.scannerVersion,
      advisoryDatabaseVersion: row.advisoryDatabaseVersion,
      os: row.os,
      packageCount: row.packageCount,
      summary: {
        Critical: row.critical,
        High: row.high,
        Medium: row.medium,
        Low: row.low,
        Negligible: row.negligible,
        Unknown: row.unknown,
        total: row.total,
        fixable: row.fixable,
      },
      sbomDigest: row.sbomDigest,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
    };
  }

  /** Lists a report's findings, most severe first; `severities` narrows them. */
  async findings(reportId: number, severities?: Severity[]): Promise<StoredFinding[]> {
    const rows = await this.prisma.scanVulnerability.findMany({
      where: { reportId, ...(severities ? { severity: { in: severities } } : {}) },
      orderBy: { position: 'asc' },
    });
    return rows.map((row) => ({
      advisoryId: row.advisoryId,
      aliases: row.aliases,
      summary: row.summary,
      packageName: row.packageName,
      ecosystem: row.ecosystem,
      installedVersion: row.installedVersion,
      fixedVersion: row.fixedVersion,
      severity: row.severity as Severity,
      cvssScore: row.cvssScore,
      cvssVector: row.cvssVector,
      layerDigest: row.layerDigest,
      path: row.path,
    }));
  }

  /** Lists the ids of artifacts that have a report, for a rescan after new advisories. */
  async scannedArtifactIds(): Promise<number[]> {
    const rows = await this.prisma.scanReport.findMany({ select: { artifactId: true }, orderBy: { artifactId: 'asc' } });
    return rows.map((row) => row.artifactId);
  }
}
