/**
 * OSV advisories (https://ossf.github.io/osv-schema/): parsing one JSON document
 * into the fields the scanner uses, and the advisory's severity.
 */
import {
  severityFromCvss2Score,
  severityFromCvss3Score,
  severityFromLabel,
  type Severity,
} from '../severity.ts';
import { cvss2BaseScore, cvss3BaseScore } from './cvss.ts';

/** One event of an OSV range. Exactly one of the fields is set. */
export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** An OSV range; `GIT` ranges are kept but never match an installed package. */
export interface AffectedRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: RangeEvent[];
}

/** One `affected[]` entry: a package in one ecosystem and the versions affected. */
export interface AffectedPackage {
  /** OSV ecosystem string as published, such as `Debian:12` or `npm`. */
  ecosystem: string;
  name: string;
  ranges: AffectedRange[];
  versions: string[];
  /** Severity that this entry's database gives for this package, when it gives one. */
  severity?: RatedSeverity;
}

/** A severity level with the score and vector it came from, when it came from CVSS. */
export interface RatedSeverity {
  level: Severity;
  score?: number;
  vector?: string;
  /** Origin of the level: `CVSS_V3`, `CVSS_V2`, `Ubuntu`, `urgency`... */
  source: string;
}

/** The fields of an OSV advisory that scanning uses. */
export interface Advisory {
  id: string;
  /** Other ids of the same vulnerability: `aliases` and `upstream` (CVE ids). */
  aliases: string[];
  summary: string;
  modified?: string;
  withdrawn?: string;
  severity: RatedSeverity;
  affected: AffectedPackage[];
}

/**
 * Parses one OSV document. Throws when `id` is missing or `affected` is not an
 * array; skips affected entries without a package and ranges with an unknown type.
 */
export function parseAdvisory(document: unknown): Advisory {
  const record = asRecord(document);
  const id = typeof record.id === 'string' ? record.id : undefined;
  if (!id) throw new Error('invalid OSV advisory: "id" is missing');
  if (record.affected !== undefined && !Array.isArray(record.affected)) {
    throw new Error(`invalid OSV advisory ${id}: "affected" is not an array`);
  }

  const aliases = new Set<string>([...strings(record.aliases), ...strings(record.upstream)]);
  aliases.delete(id);
  const affected = ((record.affected as unknown[]) ?? []).flatMap((entry) => {
    const parsed = parseAffected(entry);
    return parsed ? [parsed] : [];
  });

  return {
    id,
    aliases: [...aliases].sort(),
    summary: typeof record.summary === 'string' ? record.summary : firstLine(record.details),
    modified: typeof record.modified === 'string' ? record.modified : undefined,
    withdrawn: typeof record.withdrawn === 'string' ? record.withdrawn : undefined,
    severity:
      severityFromScores(record.severity) ??
      severityFromDatabase(record.database_specific) ??
      { level: 'Unknown', source: 'none' },
    affected,
  };
}

function parseAffected(entry: unknown): AffectedPackage | undefined {
  const record = asRecord(entry);
  const packageInfo = asRecord(record.package);
  if (typeof packageInfo.ecosystem !== 'string' || typeof packageInfo.name !== 'string') {
    return undefined;
  }

  const ranges: AffectedRange[] = [];
  for (const range of Array.isArray(record.ranges) ? record.ranges : []) {
    const rangeRecord = asRecord(range);
    const type = rangeRecord.type;
    if (type !== 'ECOSYSTEM' && type !== 'SEMVER' && type !== 'GIT') continue;
    const events = (Array.isArray(rangeRecord.events) ? rangeRecord.events : []).map(parseEvent);
    ranges.push({ type, events: events.filter((event) => Object.keys(event).length === 1) });
  }

  return {
    ecosystem: packageInfo.ecosystem,
    name: packageInfo.name,
    ranges,
    versions: strings(record.versions),
    severity:
      severityFromScores(record.severity) ??
      severityFromDatabase(record.ecosystem_specific) ??
      severityFromDatabase(record.database_specific),
  };
}

function parseEvent(event: unknown): RangeEvent {
  const record = asRecord(event);
  const parsed: RangeEvent = {};
  for (const key of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    if (typeof record[key] === 'string') parsed[key] = record[key];
  }
  return parsed;
}

/**
 * Derives a severity from an OSV `severity` array. CVSS v3 wins over v2, and both
 * win over Ubuntu's priority word.
 *
 * TODO: CVSS v4 vectors are not scored yet, so an advisory with only a v4 vector
 * falls back to its database's severity word.
 */
function severityFromScores(scores: unknown): RatedSeverity | undefined {
  if (!Array.isArray(scores)) return undefined;
  const entries = scores.map(asRecord).filter((entry) => typeof entry.score === 'string');
  const byType = (type: string) => entries.find((entry) => entry.type === type)?.score as string;

  const v3 = byType('CVSS_V3');
  if (v3) {
    const score = tryScore(() => cvss3BaseScore(v3));
    if (score !== undefined) {
      return { level: severityFromCvss3Score(score), score, vector: v3, source: 'CVSS_V3' };
    }
  }
  const v2 = byType('CVSS_V2');
  if (v2) {
    const score = tryScore(() => cvss2BaseScore(v2));
    if (score !== undefined) {
      return { level: severityFromCvss2Score(score), score, vector: v2, source: 'CVSS_V2' };
    }
  }
  const ubuntu = byType('Ubuntu');
  const level = ubuntu ? severityFromLabel(ubuntu) : undefined;
  return level ? { level, source: 'Ubuntu' } : undefined;
}

/**
 * Reads a severity word from `database_specific` or `ecosystem_specific`:
 * `severity` (GitHub, and others) or `urgency` (Debian).
 */
function severityFromDatabase(value: unknown): RatedSeverity | undefined {
  const record = asRecord(value);
  for (const key of ['severity', 'urgency'] as const) {
    const label = record[key];
    const level = typeof label === 'string' ? severityFromLabel(label) : undefined;
    if (level) return { level, source: key };
  }
  return undefined;
}

function tryScore(score: () => number): number | undefined {
  try {
    return score();
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

function firstLine(value: unknown): string {
  return typeof value === 'string' ? (value.split('\n')[0] ?? '').slice(0, 200) : '';
}
