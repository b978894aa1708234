/**
 * Python version parsing, normalisation and comparison as specified by PEP 440
 * ("Version Identification and Dependency Specification"):
 * `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`.
 */

/** A parsed PEP 440 version. Absent parts are undefined. */
export interface Pep440Version {
  epoch: number;
  release: number[];
  pre?: { label: 'a' | 'b' | 'rc'; number: number };
  post?: number;
  dev?: number;
  local?: (number | string)[];
}

// The permissive grammar from PEP 440's appendix, which accepts every spelling
// that normalises to a canonical version (case, separators, alternative names).
const versionPattern = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preLabel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preNumber>[0-9]+)?)?' +
    '(?<post>(?:-(?<postImplicit>[0-9]+))|(?:[-_.]?(?<postLabel>post|rev|r)[-_.]?(?<postNumber>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<devLabel>dev)[-_.]?(?<devNumber>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const preLabels: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  pre: 'rc',
  preview: 'rc',
  rc: 'rc',
};

/** Parses a version in any spelling that PEP 440 normalises. Throws on an invalid one. */
export function parsePep440Version(version: string): Pep440Version {
  const match = versionPattern.exec(version);
  const groups = match?.groups;
  if (!groups) throw new Error(`invalid PEP 440 version "${version}"`);

  const parsed: Pep440Version = {
    epoch: groups.epoch ? Number(groups.epoch) : 0,
    release: groups.release!.split('.').map(Number),
  };
  if (groups.preLabel) {
    parsed.pre = {
      label: preLabels[groups.preLabel.toLowerCase()]!,
      number: Number(groups.preNumber ?? 0),
    };
  }
  if (groups.post) parsed.post = Number(groups.postImplicit ?? groups.postNumber ?? 0);
  if (groups.dev) parsed.dev = Number(groups.devNumber ?? 0);
  if (groups.local) {
    parsed.local = groups.local
      .toLowerCase()
      .split(/[-_.]/)
      .map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
  }
  return parsed;
}

/** Returns the canonical spelling of a version, for example `1.0a1.post0.dev0`. */
export function normalizePep440Version(version: string): string {
  const parsed = parsePep440Version(version);
  let text = parsed.epoch !== 0 ? `${parsed.epoch}!` : '';
  text += parsed.release.join('.');
  if (parsed.pre) text += `${parsed.pre.label}${parsed.pre.number}`;
  if (parsed.post !== undefined) text += `.post${parsed.post}`;
  if (parsed.dev !== undefined) text += `.dev${parsed.dev}`;
  if (parsed.local) text += `+${parsed.local.join('.')}`;
  return text;
}

/**
 * Compares two PEP 440 versions and returns a negative number, zero or a positive
 * number. Trailing zeros in the release do not count (`1.0 == 1.0.0`). A dev
 * release sorts before its pre-releases, and those sort before the final release,
 * which sorts before its post-releases. A local version sorts after the same public
 * version.
 */
export function comparePep440Versions(a: string, b: string): number {
  const left = parsePep440Version(a);
  const right = parsePep440Version(b);

  return (
    compareNumbers(left.epoch, right.epoch) ||
    compareReleases(left.release, right.release) ||
    compareNumbers(preReleaseRank(left), preReleaseRank(right)) ||
    compareNumbers(left.pre?.number ?? 0, right.pre?.number ?? 0) ||
    compareNumbers(left.post ?? -1, right.post ?? -1) ||
    compareNumbers(left.dev ?? Infinity, right.dev ?? Infinity) ||
    compareLocal(left.local, right.local)
  );
}

/**
 * Ranks the pre-release part: a dev release of a final version (`1.0.dev1`) sorts
 * before every pre-release, and a version without a pre-release after all of them.
 */
function preReleaseRank(version: Pep440Version): number {
  if (version.pre) return { a: 1, b: 2, rc: 3 }[version.pre.label];
  if (version.post === undefined && version.dev !== undefined) return 0;
  return 4;
}

function compareReleases(a: number[], b: number[]): number {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = compareNumbers(a[index] ?? 0, b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Compares local version labels segment by segment: numbers compare as numbers and
 * sort after strings, and a longer label sorts after its prefix.
 */
function compareLocal(a?: (number | string)[], b?: (number | string)[]): number {
  if (!a || !b) return compareNumbers(a ? 1 : 0, b ? 1 : 0);

  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a[index];
    const right = b[index];
    if (left === undefined || right === undefined) return left === undefined ? -1 : 1;
    if (typeof left !== typeof right) return typeof left === 'number' ? 1 : -1;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

function compareNumbers(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
