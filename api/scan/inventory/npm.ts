/**
 * npm packages: lock files (`package-lock.json`, `npm-shrinkwrap.json`, and the
 * hidden `node_modules/.package-lock.json`) and installed `package.json` files.
 */

/** One npm package name and version. */
export interface NpmPackage {
  name: string;
  version: string;
}

/**
 * Lists the packages of a lock file. Version 2 and 3 files list every installed
 * path under `packages`; version 1 files nest them under `dependencies`. Links
 * (workspaces), the root project and development-only packages are left out,
 * because `npm install --omit=dev`, which images normally run, does not install
 * the latter. Throws on invalid JSON.
 */
export function parseNpmLockfile(text: string): NpmPackage[] {
  const lock = JSON.parse(text) as Record<string, unknown>;
  const found: NpmPackage[] = [];

  if (isRecord(lock.packages)) {
    for (const [key, value] of Object.entries(lock.packages)) {
      if (key === '' || !isRecord(value) || value.link === true || value.dev === true) continue;
      const name = typeof value.name === 'string' ? value.name : nameFromInstallPath(key);
      if (name && typeof value.version === 'string') found.push({ name, version: value.version });
    }
    return found;
  }

  // Version 1: walk the nested dependencies without recursion, so a deep tree
  // cannot exhaust the stack.
  const pending: unknown[] = [lock.dependencies];
  while (pending.length > 0) {
    const dependencies = pending.pop();
    if (!isRecord(dependencies)) continue;
    for (const [name, value] of Object.entries(dependencies)) {
      if (!isRecord(value) || value.dev === true) continue;
      if (typeof value.version === 'string' && !value.version.startsWith('file:')) {
        found.push({ name, version: value.version });
      }
      pending.push(value.dependencies);
    }
  }
  return found;
}

/** Reads `name` and `version` from an installed package's `package.json`. */
export function parsePackageJson(text: string): NpmPackage | undefined {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') return undefined;
  return { name: manifest.name, version: manifest.version };
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function nameFromInstallPath(installPath: string): string | undefined {
  const marker = 'node_modules/';
  const index = installPath.lastIndexOf(marker);
  if (index < 0) return undefined;
  return installPath.slice(index + marker.length) || undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
