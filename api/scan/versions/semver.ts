/**
 * SemVer 2.0.0 comparison for npm packages and Go modules, built on the `semver`
 * package that npm itself uses.
 */
import semver from 'semver';

/**
 * Compares two npm versions (SemVer 2.0.0, build metadata ignored) and returns a
 * negative number, zero or a positive number. Throws on a version that is not SemVer.
 */
export function compareNpmVersions(a: string, b: string): number {
  return semver.compare(parseSemver(a, a), parseSemver(b, b));
}

/**
 * Compares two Go module versions. Go writes versions with a `v` prefix, while OSV
 * writes them without one, so the prefix is optional here. Pseudo-versions
 * (`v0.0.0-20220315160706-3147a52a75dd`, `v1.2.4-0.2022...`) are SemVer
 * pre-releases and sort by their timestamp. `+incompatible` is build metadata and
 * does not take part in the comparison. Throws on a version that is not SemVer.
 */
export function compareGoVersions(a: string, b: string): number {
  return semver.compare(parseGoVersion(a), parseGoVersion(b));
}

/**
 * Converts a Go toolchain version such as `go1.21.5`, `go1.22` or `go1.21rc2` to
 * the SemVer form that OSV uses for the `stdlib` package (`1.21.5`, `1.22.0`,
 * `1.21.0-rc.2`). Returns undefined for anything else, such as `devel` builds.
 */
export function goToolchainToSemver(goVersion: string): string | undefined {
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(goVersion.trim());
  if (!match) return undefined;

  const [, major, minor, patch, preName, preNumber] = match;
  const release = `${major}.${minor}.${patch ?? '0'}`;
  return preName ? `${release}-${preName}.${preNumber}` : release;
}

function parseGoVersion(version: string): semver.SemVer {
  const withoutPrefix = version.trim().replace(/^v/, '');
  return parseSemver(withoutPrefix, version);
}

function parseSemver(text: string, original: string): semver.SemVer {
  const parsed = semver.parse(text.trim());
  if (!parsed) throw new Error(`invalid SemVer version "${original}"`);
  return parsed;
}
