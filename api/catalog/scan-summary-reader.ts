import type { Prisma as PrismaClient } from '../db/client.ts';

export type ScanSummaryStatus = 'NOT_SCANNED' | 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** State of an artifact's scanning and the counts of its latest report. Counts are null without a successful report. */
export interface ScanSummaryRecord {
  status: ScanSummaryStatus;
  scannedAt: Date | null;
  critical: number | null;
  high: number | null;
  medium: number | null;
  low: number | null;
  /** Findings rated Negligible or Unknown. */
  other: number | null;
  total: number | null;
}

interface Row {
  artifactId: number;
  reportStatus: string | null;
  finishedAt: Date | null;
  critical: number | null;
  high: number | null;
  medium: number | null;
  low: number | null;
  negligible: number | null;
  unknown: number | null;
  total: number | null;
  jobStatus: string | null;
}

/**
 * A queued or running job decides the status first, so a rescan shows as in
 * progress with the previous report's counts. Otherwise the stored report
 * decides. A job that failed before writing any report shows FAILED.
 */
function toSummary(row: Row | undefined): ScanSummaryRecord {
  const succeeded = row?.reportStatus === 'succeeded';
  const counts = {
    scannedAt: row?.finishedAt ?? null,
    critical: succeeded ? row!.critical : null,
    high: succeeded ? row!.high : null,
    medium: succeeded ? row!.medium : null,
    low: succeeded ? row!.low : null,
    other: succeeded ? row!.negligible! + row!.unknown! : null,
    total: succeeded ? row!.total : null,
  };
  if (row?.jobStatus === 'queued') return { status: 'PENDING', ...counts };
  if (row?.jobStatus === 'running') return { status: 'RUNNING', ...counts };
  if (row?.reportStatus === 'succeeded') return { status: 'SUCCEEDED', ...counts };
  if (row?.reportStatus === 'failed' || row?.jobStatus === 'failed') return { status: 'FAILED', ...counts };
  return { status: 'NOT_SCANNED', ...counts };
}

/** Reads scan state from the scanner's tables (scan_reports, scan_jobs) in one statement. */
export class ScanSummaryReader {
  constructor(private readonly prisma: PrismaClient) {}

  async summariesOf(artifactIds: readonly number[]): Promise<Map<number, ScanSummaryRecord>> {
    if (artifactIds.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<Row[]>`
      SELECT ids.id AS "artifactId", r.status AS "reportStatus", r.finished_at AS "finishedAt",
        r.critical, r.high, r.medium, r.low, r.negligible, r.unknown, r.total,
        (SELECT j.status FROM scan_jobs j WHERE j.artifact_id = ids.id ORDER BY j.id DESC LIMIT 1) AS "jobStatus"
      FROM unnest(${[...artifactIds]}::int[]) AS ids(id)
      LEFT JOIN scan_reports r ON r.artifact_id = ids.id`;
    const byId = new Map(rows.map((row) => [row.artifactId, row]));
    return new Map(artifactIds.map((id) => [id, toSummary(byId.get(id))]));
  }
}
