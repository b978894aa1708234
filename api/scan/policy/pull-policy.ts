/**
 * The pull policy, after Harbor's "prevent vulnerable images from running".
 * In a project with a blocking severity, a pull of an image manifest is denied
 * when its latest report has a finding at or above that severity whose ids are
 * not allowlisted. A failed scan, or no scan yet, also denies the pull. Indexes
 * pass, because each platform manifest they lead to is checked when pulled.
 */
import { WharfError } from '../../errors/catalog.ts';
import type { Prisma } from '../../db/client.ts';
import type { RepositoryRef } from '../../repositories/repository-service.ts';
import type { ReportStore, StoredFinding } from '../reports/report-store.ts';
import { scanKind } from '../scannable.ts';
import { compareSeverities, severitiesBySeverity } from '../severity.ts';
import type { Caller } from '../../access/caller.ts';
import type { ScannerCredentials } from '../external/scanner-credentials.ts';
import type { ScanSettingsService } from './scan-settings.ts';

/** Maximum findings named in a denial; the message counts the rest. */
const MAX_LISTED_FINDINGS = 5;

export class PullPolicy {
  constructor(
    private readonly prisma: Prisma,
    private readonly settings: ScanSettingsService,
    private readonly reports: ReportStore,
    private readonly scanner: ScannerCredentials,
  ) {}

  /**
   * Raises DENIED, saying why, when the project's policy blocks pulling the
   * manifest. The external scanner's robot may always pull, so it can scan.
   */
  async check(repository: RepositoryRef, manifest: { id: number; digest: string; mediaType: string }, caller: Caller): Promise<void> {
    const { preventSeverity } = await this.settings.get(repository.projectId);
    if (!preventSeverity) return;
    if (await this.scanner.isScanner(caller)) return;
    const artifact = await this.prisma.artifact.findUnique({ where: { id: manifest.id }, select: { artifactType: true } });
    if (scanKind(manifest.mediaType, artifact?.artifactType) !== 'image') return;

    const image = `${repository.name}@${manifest.digest}`;
    const rule = `the project blocks pulls of images with ${preventSeverity} or more severe vulnerabilities`;
    const report = await this.reports.find(manifest.id);
    if (!report) {
      throw new WharfError('DENIED', `pull of ${image} denied: the image has not been scanned yet and ${rule}; wait for the scan or start one`, {
        digest: manifest.digest,
      });
    }
    if (report.status === 'failed') {
      throw new WharfError('DENIED', `pull of ${image} denied: its scan failed (${report.error ?? 'no detail'}) and ${rule}; scan it again`, {
        digest: manifest.digest,
      });
    }

    const blocking = severitiesBySeverity.filter((level) => compareSeverities(level, preventSeverity) >= 0);
    const allowlist = await this.settings.effectiveAllowlist(repository.projectId);
    const findings = (await this.reports.findings(report.id, blocking)).filter((finding) => !isAllowlisted(finding, allowlist));
    if (findings.length === 0) return;

    const listed = findings.slice(0, MAX_LISTED_FINDINGS).map(describeFinding);
    const more = findings.length > MAX_LISTED_FINDINGS ? ` and ${findings.length - MAX_LISTED_FINDINGS} more` : '';
    throw new WharfError(
      'DENIED',
      `pull of ${image} denied: ${rule}, and the image has ${findings.length} not on the CVE allowlist: ${listed.join('; ')}${more}. ` +
        'Update the packages, or allowlist the CVE ids in the project',
      { digest: manifest.digest, vulnerabilities: findings.slice(0, MAX_LISTED_FINDINGS).map((finding) => finding.advisoryId) },
    );
  }
}

/** Checks whether the finding's advisory id or any alias (the CVE id) is on the list. */
function isAllowlisted(finding: StoredFinding, allowlist: Set<string>): boolean {
  return allowlist.has(finding.advisoryId) || finding.aliases.some((alias) => allowlist.has(alias));
}

function describeFinding(finding: StoredFinding): string {
  const id = finding.aliases.find((alias) => alias.startsWith('CVE-')) ?? finding.advisoryId;
  const fix = finding.fixedVersion ? `fixed in ${finding.fixedVersion}` : 'no fix yet';
  return `${id} (${finding.severity}) in ${finding.packageName} ${finding.installedVersion}, ${fix}`;
}
