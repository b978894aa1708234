/**
 * Turns the merged file records of an image into its inventory: the OS release,
 * the packages with their ecosystems, and the files that were skipped.
 */
import { normalizePath, type LayerFiles } from './layer-files.ts';
import type { InstalledPackage, Inventory, OsRelease, SkippedFile } from './types.ts';

/**
 * Builds the inventory. dpkg packages belong to `Ubuntu` when os-release names
 * Ubuntu and to `Debian` otherwise, and apk packages to `Alpine`. A package listed by
 * several files (a lock file and `node_modules`) appears once, from the first
 * path in sorted order.
 */
export function summarizeInventory(files: LayerFiles, skippedEntries: SkippedFile[]): Inventory {
  const os = findOsRelease(files);
  const distribution = os?.id === 'ubuntu' ? 'Ubuntu' : 'Debian';
  const skipped = [...skippedEntries];
  const byKey = new Map<string, InstalledPackage>();

  const records = [...files.values()].sort((a, b) => compareBytes(a.path, b.path));
  for (const record of records) {
    if (record.skipped) skipped.push({ path: record.path, layerDigest: record.layerDigest, reason: record.skipped });
    for (const item of record.packages) {
      let ecosystem = item.ecosystem;
      if (item.type === 'deb') ecosystem = distribution;
      if (item.type === 'apk') ecosystem = 'Alpine';
      const key = `${item.type}\0${item.name}\0${item.version}\0${item.architecture ?? ''}`;
      if (!byKey.has(key)) byKey.set(key, withoutEmptyFields({ ...item, ecosystem }));
    }
  }

  const packages = [...byKey.values()].sort(
    (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  return os ? { os, packages, skipped } : { packages, skipped };
}

/**
 * Reads `/etc/os-release`, following it when it is a symbolic link (Debian links
 * it to `../usr/lib/os-release`), and falls back to `/usr/lib/os-release`.
 */
function findOsRelease(files: LayerFiles): OsRelease | undefined {
  const etc = files.get('etc/os-release');
  if (etc?.osRelease) return etc.osRelease;
  if (etc?.linkTarget) {
    const target = etc.linkTarget.startsWith('/') ? etc.linkTarget : `etc/${etc.linkTarget}`;
    const resolved = normalizeLinkTarget(target);
    const linked = resolved ? files.get(resolved) : undefined;
    if (linked?.osRelease) return linked.osRelease;
  }
  return files.get('usr/lib/os-release')?.osRelease;
}

/** Resolves `..` in a link target, which normalizePath rejects in tar paths. */
function normalizeLinkTarget(target: string): string | undefined {
  const parts: string[] = [];
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return normalizePath(parts.join('/'));
}

function withoutEmptyFields(item: InstalledPackage): InstalledPackage {
  const copy = { ...item };
  for (const key of ['sourceName', 'sourceVersion', 'architecture'] as const) {
    if (copy[key] === undefined || copy[key] === '') delete copy[key];
  }
  return copy;
}

function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
