/**
 * Package URLs (https://github.com/package-url/purl-spec) for inventoried packages:
 * `pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12`.
 */
import { normalizePythonName } from './inventory/python.ts';
import type { InstalledPackage, OsRelease } from './inventory/types.ts';

/** Builds the purl of a package; `os` supplies the distro qualifier of deb and apk packages. */
export function packageUrl(item: InstalledPackage, os?: OsRelease): string {
  const qualifiers: Record<string, string> = {};
  let namespace: string[] = [];
  let name = item.name;

  switch (item.type) {
    case 'deb':
      namespace = [item.ecosystem.toLowerCase()];
      if (os?.versionId) qualifiers.distro = `${os.id}-${os.versionId}`;
      break;
    case 'apk':
      namespace = ['alpine'];
      if (os?.versionId) qualifiers.distro = os.versionId;
      break;
    case 'npm': {
      const slash = name.startsWith('@') ? name.indexOf('/') : -1;
      if (slash > 0) {
        namespace = [name.slice(0, slash)];
        name = name.slice(slash + 1);
      }
      break;
    }
    case 'pypi':
      name = normalizePythonName(name);
      break;
    case 'golang': {
      const parts = name.split('/');
      name = parts.pop()!;
      namespace = parts;
      break;
    }
  }
  if (item.architecture && (item.type === 'deb' || item.type === 'apk')) {
    qualifiers.arch = item.architecture;
  }

  const path = [...namespace, name].map(encodeSegment).join('/');
  const query = Object.keys(qualifiers)
    .sort()
    .map((key) => `${key}=${encodeSegment(qualifiers[key]!)}`)
    .join('&');
  return `pkg:${item.type}/${path}@${encodeSegment(item.version)}${query ? `?${query}` : ''}`;
}

/** Percent-encodes a purl segment; the spec leaves `:` unencoded. */
function encodeSegment(text: string): string {
  return encodeURIComponent(text).replace(/%3A/gi, ':');
}
