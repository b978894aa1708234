/**
 * Scanning on request with waiting, for the CLI and tests: an image is scanned
 * once, an index once per platform manifest, and each report is returned.
 */
import type { Prisma } from '../db/client.ts';
import type { StoredFinding, StoredReport } from './reports/report-store.ts';
import type { ResolvedArtifact, ScanServices } from './scan-services.ts';
import { scanKind } from './scannable.ts';

/** One scanned manifest: its platform when it came from an index, its report and findings. */
export interface PlatformReport {
  digest: string;
  platform?: string;
  jobError: string | null;
  report?: StoredReport;
  findings: StoredFinding[];
}

/** Scans an artifact (each platform of an index) and waits for the reports. */
export async function scanAndWait(
  prisma: Prisma,
  scan: ScanServices,
  artifact: ResolvedArtifact,
  timeoutMs: number,
): Promise<PlatformReport[]> {
  const targets = await platformTargets(prisma, artifact);
  const results: PlatformReport[] = [];
  for (const target of targets) {
    const jobId = await scan.requestScan(target.id, 'manual');
    const state = await scan.waitForJob(jobId, timeoutMs);
    const report = await scan.reports.find(target.id);
    const findings = report ? await scan.reports.findings(report.id) : [];
    results.push({ digest: target.digest, ...(target.platform ? { platform: target.platform } : {}), jobError: state.error, ...(report ? { report } : {}), findings });
  }
  return results;
}

async function platformTargets(prisma: Prisma, artifact: ResolvedArtifact): Promise<{ id: number; digest: string; platform?: string }[]> {
  const row = await prisma.artifact.findUniqueOrThrow({
    where: { id: artifact.id },
    select: { mediaType: true, artifactType: true, references: { where: { kind: 'manifest' }, orderBy: { position: 'asc' } } },
  });
  if (scanKind(row.mediaType, row.artifactType) !== 'index') return [{ id: artifact.id, digest: artifact.digest }];

  const children = await prisma.artifact.findMany({
    where: { repositoryId: artifact.repository.id, digest: { in: row.references.map((reference) => reference.digest) } },
    select: { id: true, digest: true, mediaType: true, artifactType: true },
  });
  const byDigest = new Map(children.map((child) => [child.digest, child]));
  return row.references.flatMap((reference) => {
    const child = byDigest.get(reference.digest);
    if (!child || scanKind(child.mediaType, child.artifactType) !== 'image') return [];
    return [{ id: child.id, digest: child.digest, platform: formatPlatform(reference.platform) }];
  });
}

/** Formats an index entry's platform as `os/architecture[/variant]`. */
export function formatPlatform(platform: unknown): string | undefined {
  if (typeof platform !== 'object' || platform === null) return undefined;
  const fields = platform as Record<string, unknown>;
  const parts = [fields.os, fields.architecture, fields.variant].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length > 0 ? parts.join('/') : undefined;
}
