/**
 * Matching an image's inventory against OSV advisories, producing findings and
 * a count per severity.
 */
import type { Advisory, AffectedPackage, RatedSeverity } from './osv/advisory.ts';
import { checkAffected } from './osv/affected.ts';
import { distributionEcosystem, isDistributionEcosystem, parseEcosystem } from './osv/ecosystem.ts';
import { normalizePythonName } from './inventory/python.ts';
import type { InstalledPackage, Inventory, OsRelease } from './inventory/types.ts';
import { compareSeverities, severitiesBySeverity, type Severity } from './severity.ts';

/** One vulnerability found in one installed package. */
export interface Finding {
  advisoryId: string;
  aliases: string[];
  summary: string;
  packageName: string;
  /** Ecosystem of the package: `Debian`, `Alpine`, `npm`, `PyPI`, `Go`... */
  ecosystem: string;
  installedVersion: string;
  /** Lowest version that fixes it, when the advisory names one. */
  fixedVersion?: string;
  severity: Severity;
  cvssScore?: number;
  cvssVector?: string;
  layerDigest: string;
  path: string;
}

/** Findings of a scan, most severe first, with counts per severity. */
export interface MatchReport {
  findings: Finding[];
  summary: SeveritySummary;
}

/** Number of findings per severity, in total, and with a fixed version. */
export type SeveritySummary = Record<Severity, number> & { total: number; fixable: number };

/**
 * Advisories indexed by ecosystem and package name, so each package only meets
 * the advisories that name it.
 */
export class AdvisoryIndex {
  #byPackage = new Map<string, { advisory: Advisory; affected: AffectedPackage }[]>();

  constructor(advisories: Iterable<Advisory>) {
    for (const advisory of advisories) this.add(advisory);
  }

  /** Adds an advisory; withdrawn advisories are ignored. */
  add(advisory: Advisory): void {
    if (advisory.withdrawn) return;
    for (const affected of advisory.affected) {
      const ecosystem = parseEcosystem(affected.ecosystem).name;
      const key = indexKey(ecosystem, affected.name);
      const list = this.#byPackage.get(key) ?? [];
      list.push({ advisory, affected });
      this.#byPackage.set(key, list);
    }
  }

  candidates(ecosystem: string, name: string) {
    return this.#byPackage.get(indexKey(ecosystem, name)) ?? [];
  }
}

/**
 * Matches every package of an inventory. Distribution packages match only
 * advisories for the same distribution and release (an Ubuntu Pro entry never
 * matches), under their source package name and version, because Debian, Ubuntu
 * and Alpine advisories name source packages.
 */
export function matchInventory(inventory: Inventory, index: AdvisoryIndex): MatchReport {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const item of inventory.packages) {
    for (const finding of matchPackage(item, inventory.os, index)) {
      const key = `${finding.advisoryId}\0${item.type}\0${item.name}\0${item.version}\0${item.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
    }
  }

  findings.sort(
    (a, b) =>
      compareSeverities(b.severity, a.severity) ||
      a.packageName.localeCompare(b.packageName) ||
      a.advisoryId.localeCompare(b.advisoryId),
  );
  return { findings, summary: summarizeFindings(findings) };
}

/** Finds the advisories that affect one installed package. */
export function matchPackage(
  item: InstalledPackage,
  os: OsRelease | undefined,
  index: AdvisoryIndex,
): Finding[] {
  const distribution = isDistributionEcosystem(item.ecosystem)
    ? os && distributionEcosystem(os.id, os.versionId)
    : undefined;
  if (isDistributionEcosystem(item.ecosystem) && distribution?.name !== item.ecosystem) return [];

  const name = item.sourceName ?? item.name;
  const version = item.type === 'deb' ? (item.sourceVersion ?? item.version) : item.version;
  const findings: Finding[] = [];
  for (const { advisory, affected } of index.candidates(item.ecosystem, name)) {
    const ecosystem = parseEcosystem(affected.ecosystem);
    if (distribution) {
      if (ecosystem.release !== distribution.release) continue;
      if (ecosystem.qualifiers.includes('Pro')) continue;
    }

    const verdict = checkAffected(affected, version);
    if (!verdict.affected) continue;
    const rated = chooseSeverity(affected.severity, advisory.severity);
    findings.push({
      advisoryId: advisory.id,
      aliases: advisory.aliases,
      summary: advisory.summary,
      packageName: item.name,
      ecosystem: item.ecosystem,
      installedVersion: item.version,
      ...(verdict.fixed ? { fixedVersion: verdict.fixed } : {}),
      severity: rated.level,
      ...(rated.score !== undefined ? { cvssScore: rated.score, cvssVector: rated.vector } : {}),
      layerDigest: item.layerDigest,
      path: item.path,
    });
  }
  return findings;
}

/**
 * Picks a finding's severity: a CVSS score wins (the package entry's before the
 * advisory's), then the database's own word (such as Debian's urgency).
 */
function chooseSeverity(
  packageSeverity: RatedSeverity | undefined,
  advisorySeverity: RatedSeverity,
): RatedSeverity {
  const fromCvss = (rated?: RatedSeverity) => rated?.score !== undefined;
  if (fromCvss(packageSeverity)) return packageSeverity!;
  if (fromCvss(advisorySeverity)) return advisorySeverity;
  return packageSeverity ?? advisorySeverity;
}

/** Counts findings per severity. */
export function summarizeFindings(findings: Finding[]): SeveritySummary {
  const summary = Object.fromEntries(severitiesBySeverity.map((level) => [level, 0])) as SeveritySummary;
  summary.total = findings.length;
  summary.fixable = 0;
  for (const finding of findings) {
    summary[finding.severity]++;
    if (finding.fixedVersion) summary.fixable++;
  }
  return summary;
}

function indexKey(ecosystem: string, name: string): string {
  return `${ecosystem}\0${ecosystem === 'PyPI' ? normalizePythonName(name) : name}`;
}
