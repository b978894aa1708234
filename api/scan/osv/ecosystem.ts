/**
 * OSV ecosystem names: `Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`,
 * `Ubuntu:Pro:18.04:LTS`, `npm`, `PyPI`, `Go`.
 */

/** An OSV ecosystem split into its base name and, for distributions, the release. */
export interface Ecosystem {
  /** Base ecosystem name, such as `Debian`, `Alpine` or `npm`. */
  name: string;
  /** Distribution release as the advisory database writes it (`12`, `v3.19`, `22.04`). */
  release?: string;
  /** Variant words that narrow the release, such as `Pro` or `LTS` for Ubuntu. */
  qualifiers: string[];
}

/** Parses an OSV ecosystem string. */
export function parseEcosystem(text: string): Ecosystem {
  const [name = '', ...rest] = text.split(':');
  if (name === 'Ubuntu') {
    const release = rest.find((part) => /^\d+\.\d+$/.test(part));
    return { name, release, qualifiers: rest.filter((part) => part !== release) };
  }
  const release = rest.length > 0 ? rest.join(':') : undefined;
  return { name, release, qualifiers: [] };
}

/** Reports whether an ecosystem is a Linux distribution whose advisories are per release. */
export function isDistributionEcosystem(name: string): boolean {
  return name === 'Debian' || name === 'Ubuntu' || name === 'Alpine';
}

/**
 * Builds the OSV ecosystem of an installed distribution from `/etc/os-release`
 * fields: `Debian:12`, `Ubuntu:22.04`, `Alpine:v3.19`. Returns undefined for a
 * distribution that OSV does not cover or a missing or unparsable release.
 */
export function distributionEcosystem(
  id: string,
  versionId: string | undefined,
): Ecosystem | undefined {
  switch (id) {
    case 'debian': {
      const major = versionId?.split('.')[0];
      return major ? { name: 'Debian', release: major, qualifiers: [] } : undefined;
    }
    case 'ubuntu':
      return versionId ? { name: 'Ubuntu', release: versionId, qualifiers: [] } : undefined;
    case 'alpine': {
      const match = versionId ? /^(\d+)\.(\d+)/.exec(versionId) : null;
      if (!match) return undefined;
      return { name: 'Alpine', release: `v${match[1]}.${match[2]}`, qualifiers: [] };
    }
    default:
      return undefined;
  }
}
