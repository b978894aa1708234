/**
 * Decides whether an installed version falls in an OSV `affected[]` entry, by the
 * evaluation rules of the OSV schema ("Evaluation" section).
 */
import { parseEcosystem } from './ecosystem.ts';
import type { AffectedPackage, AffectedRange, RangeEvent } from './advisory.ts';
import { compareGoVersions } from '../versions/semver.ts';
import { versionComparator, type VersionComparator } from '../versions/index.ts';

/** Outcome for one installed version; `fixed` is the first fixed version above it. */
export type AffectedVerdict = { affected: false } | { affected: true; fixed?: string };

/**
 * Checks an installed version against the entry's ranges and its `versions` list.
 * A version is affected when a range's last event at or below it is `introduced`
 * (a `last_affected` event ends the range after that version, `fixed` at it, and
 * `limit` bounds the whole range), or when the `versions` list contains it.
 * Ranges whose versions the ecosystem's comparator rejects are skipped.
 */
export function checkAffected(entry: AffectedPackage, installed: string): AffectedVerdict {
  const ecosystemCompare = versionComparator(parseEcosystem(entry.ecosystem).name);
  let listed = entry.versions.includes(installed);

  for (const range of entry.ranges) {
    const compare = range.type === 'SEMVER' ? compareGoVersions : ecosystemCompare;
    if (range.type === 'GIT' || !compare) continue;
    try {
      const verdict = checkRange(range, installed, compare);
      if (verdict.affected) return verdict;
    } catch {
      // NOTE: a version the comparator cannot parse leaves this range unevaluated,
      // so the `versions` list below is the only evidence for it.
      continue;
    }
  }

  if (!listed && ecosystemCompare) {
    listed = entry.versions.some((version) => safeEquals(ecosystemCompare, version, installed));
  }
  if (!listed) return { affected: false };
  return affectedVerdict(nextFixed(entry.ranges, installed, ecosystemCompare));
}

function checkRange(
  range: AffectedRange,
  installed: string,
  compare: VersionComparator,
): AffectedVerdict {
  const limits = range.events.flatMap((event) => (event.limit ? [event.limit] : []));
  if (limits.some((limit) => limit !== '*' && compare(installed, limit) >= 0)) {
    return { affected: false };
  }

  const events = sortEvents(range.events, compare);
  let affected = false;
  let fixed: string | undefined;
  for (const event of events) {
    if (event.introduced !== undefined && atOrAbove(installed, event.introduced, compare)) {
      affected = true;
      fixed = undefined;
    } else if (event.fixed !== undefined) {
      if (compare(installed, event.fixed) >= 0) affected = false;
      else if (affected && fixed === undefined) fixed = event.fixed;
    } else if (event.last_affected !== undefined && compare(installed, event.last_affected) > 0) {
      affected = false;
    }
  }
  return affected ? affectedVerdict(fixed) : { affected: false };
}

function affectedVerdict(fixed: string | undefined): AffectedVerdict {
  return fixed === undefined ? { affected: true } : { affected: true, fixed };
}

/** Sorts events by version; `introduced: "0"` sorts before every version. */
function sortEvents(events: RangeEvent[], compare: VersionComparator): RangeEvent[] {
  const versionOf = (event: RangeEvent) =>
    event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? '0';
  return events
    .filter((event) => event.limit === undefined)
    .sort((a, b) => {
      const left = versionOf(a);
      const right = versionOf(b);
      if (left === right) return 0;
      if (a.introduced === '0') return -1;
      if (b.introduced === '0') return 1;
      return compare(left, right);
    });
}

function atOrAbove(installed: string, introduced: string, compare: VersionComparator): boolean {
  return introduced === '0' || compare(installed, introduced) >= 0;
}

/** Finds the lowest `fixed` event above the installed version, for a `versions` match. */
function nextFixed(
  ranges: AffectedRange[],
  installed: string,
  compare: VersionComparator | undefined,
): string | undefined {
  if (!compare) return undefined;
  const candidates = ranges
    .flatMap((range) => range.events.flatMap((event) => (event.fixed ? [event.fixed] : [])))
    .filter((fixed) => safeCompare(compare, installed, fixed) < 0);
  return candidates.sort((a, b) => safeCompare(compare, a, b))[0];
}

function safeEquals(compare: VersionComparator, a: string, b: string): boolean {
  return safeCompare(compare, a, b) === 0 && a !== '' && b !== '';
}

/** Compares, treating a version the comparator rejects as incomparable (never equal). */
function safeCompare(compare: VersionComparator, a: string, b: string): number {
  try {
    return compare(a, b);
  } catch {
    return Number.NaN;
  }
}
