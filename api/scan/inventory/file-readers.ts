/**
 * File kinds the inventory reads from a layer, and the parser for each kind.
 */
import { parseApkInstalled } from './apk.ts';
import { parseDpkgStatus } from './dpkg.ts';
import { parseNpmLockfile, parsePackageJson } from './npm.ts';
import { parseOsRelease } from './os-release.ts';
import { parsePythonMetadata } from './python.ts';
import type { InstalledPackage, OsRelease } from './types.ts';

/** Kinds of text files the inventory reads whole (up to a size limit). */
export type TextFileKind =
  | 'dpkg-status'
  | 'apk-installed'
  | 'os-release'
  | 'npm-lockfile'
  | 'npm-package'
  | 'python-metadata';

const npmPackageJson = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;
const npmLockfile = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|\.package-lock\.json)$/;
const pythonMetadata = /\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$/;

/** Returns the kind of a file by its normalised path, or undefined for other files. */
export function classifyTextFile(path: string): TextFileKind | undefined {
  if (path === 'var/lib/dpkg/status') return 'dpkg-status';
  if (/^var\/lib\/dpkg\/status\.d\/[^/]+$/.test(path) && !path.endsWith('.md5sums')) {
    return 'dpkg-status';
  }
  if (path === 'lib/apk/db/installed') return 'apk-installed';
  if (path === 'etc/os-release' || path === 'usr/lib/os-release') return 'os-release';
  if (npmLockfile.test(path)) return 'npm-lockfile';
  if (npmPackageJson.test(path)) return 'npm-package';
  if (pythonMetadata.test(path)) return 'python-metadata';
  return undefined;
}

/** Packages and OS release read from one file; `ecosystem` of deb/apk is filled in later. */
export interface TextFileContents {
  packages: Omit<InstalledPackage, 'layerDigest'>[];
  osRelease?: OsRelease;
}

/** Parses a file's text by its kind. Throws on invalid JSON in npm files. */
export function readTextFile(kind: TextFileKind, path: string, text: string): TextFileContents {
  switch (kind) {
    case 'dpkg-status':
      return {
        packages: parseDpkgStatus(text).map((entry) => ({
          type: 'deb',
          ecosystem: '',
          name: entry.name,
          version: entry.version,
          architecture: entry.architecture,
          sourceName: entry.sourceName,
          sourceVersion: entry.sourceVersion,
          path,
        })),
      };
    case 'apk-installed':
      return {
        packages: parseApkInstalled(text).map((entry) => ({
          type: 'apk',
          ecosystem: '',
          name: entry.name,
          version: entry.version,
          architecture: entry.architecture,
          sourceName: entry.origin,
          path,
        })),
      };
    case 'os-release':
      return { packages: [], osRelease: parseOsRelease(text) };
    case 'npm-lockfile':
      return {
        packages: parseNpmLockfile(text).map((entry) => ({
          type: 'npm',
          ecosystem: 'npm',
          ...entry,
          path,
        })),
      };
    case 'npm-package': {
      const entry = parsePackageJson(text);
      return { packages: entry ? [{ type: 'npm', ecosystem: 'npm', ...entry, path }] : [] };
    }
    case 'python-metadata': {
      const entry = parsePythonMetadata(text);
      return { packages: entry ? [{ type: 'pypi', ecosystem: 'PyPI', ...entry, path }] : [] };
    }
  }
}
