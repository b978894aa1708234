import semver, { type SemVer } from 'semver';

/** Maximum length of a version string, as in the `semver` package. */
const MAX_VERSION_LENGTH = 256;

/**
 * True when `version` is a SemVer 2.0.0 version written exactly (no leading
 * `v`, three numeric parts, no leading zeros in numeric identifiers). Helm's
 * loader accepts looser forms such as `1.2` or `v1.2.3`, but `helm lint` warns
 * about them and `helm pull oci://` only lists tags in this strict form.
 */
export function isStrictSemVer(version: string): boolean {
  if (version.length > MAX_VERSION_LENGTH) return false;
  const parsed = semver.parse(version, { loose: false });
  if (!parsed) return false;

  const build = parsed.build.length > 0 ? `+${parsed.build.join('.')}` : '';
  return `${parsed.version}${build}` === version;
}

/**
 * Orders versions newest first by SemVer precedence, as Helm sorts index
 * entries. Versions that differ only in build metadata have equal precedence,
 * so their order falls back to the version string to stay deterministic.
 */
export function compareNewestFirst(left: string | SemVer, right: string | SemVer): number {
  const byPrecedence = semver.rcompare(left, right);
  if (byPrecedence !== 0) return byPrecedence;
  const leftText = typeof left === 'string' ? left : left.raw;
  const rightText = typeof right === 'string' ? right : right.raw;
  if (leftText === rightText) return 0;
  return leftText < rightText ? 1 : -1;
}
