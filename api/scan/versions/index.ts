/**
 * Version ordering per OSV ecosystem. Each comparator returns a negative number,
 * zero or a positive number, and throws on a version its ecosystem cannot parse.
 */
import { compareApkVersions } from './apk.ts';
import { compareDpkgVersions } from './dpkg.ts';
import { comparePep440Versions } from './pep440.ts';
import { compareGoVersions, compareNpmVersions } from './semver.ts';

export type VersionComparator = (a: string, b: string) => number;

/**
 * Returns the comparator for an OSV ecosystem name without its release suffix
 * (`Debian`, not `Debian:12`), or undefined for an ecosystem Wharf cannot order.
 */
export function versionComparator(ecosystem: string): VersionComparator | undefined {
  switch (ecosystem) {
    case 'Debian':
    case 'Ubuntu':
      return compareDpkgVersions;
    case 'Alpine':
      return compareApkVersions;
    case 'npm':
      return compareNpmVersions;
    case 'Go':
      return compareGoVersions;
    case 'PyPI':
      return comparePep440Versions;
    default:
      return undefined;
  }
}

export { compareApkVersions, compareDpkgVersions, compareGoVersions, compareNpmVersions };
export { comparePep440Versions };
