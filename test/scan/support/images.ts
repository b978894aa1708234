// Image layers for the scanner tests, built from this machine's real package data
// where there is some: dpkg paragraphs from /var/lib/dpkg/status and the real
// os-release. Each builder returns undefined when the data is missing.
import { existsSync, readFileSync } from 'node:fs';
import type { LayerSource } from '../../../api/scan/inventory/image.ts';
import { buildLayer } from './layers.ts';

/** Real dpkg packages taken into the Debian image when installed here. */
export const debianPackageNames = ['libc6', 'libssl3', 'openssl', 'zlib1g', 'bash'];

/** Reads this machine's status paragraphs of the given packages, by package name. */
export function readRealDpkgParagraphs(names: string[]): Map<string, string> | undefined {
  if (!existsSync('/var/lib/dpkg/status') || !existsSync('/usr/lib/os-release')) return undefined;
  const paragraphs = new Map<string, string>();
  for (const paragraph of readFileSync('/var/lib/dpkg/status', 'utf8').split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(paragraph)?.[1];
    if (name && names.includes(name) && /^Status: install ok installed$/m.test(paragraph)) {
      paragraphs.set(name, `${paragraph.trim()}\n`);
    }
  }
  return paragraphs;
}

export function fieldOf(paragraph: string, field: string): string | undefined {
  return new RegExp(`^${field}: (.*)$`, 'm').exec(paragraph)?.[1];
}

/**
 * Debian 12 base: a lower layer whose status lists libc6 at 2.36-9+deb12u13, a
 * real bookworm version older than the glibc fix in 2.36-9+deb12u14, and an upper
 * layer that replaces the status with this machine's real one. Returns undefined
 * unless this machine is Debian 12 with the packages installed.
 */
export function debianLayers(): { lower: LayerSource; upper: LayerSource; paragraphs: Map<string, string> } | undefined {
  const paragraphs = readRealDpkgParagraphs(debianPackageNames);
  const osRelease = existsSync('/usr/lib/os-release') ? readFileSync('/usr/lib/os-release', 'utf8') : '';
  if (!paragraphs || !paragraphs.has('libc6') || !/^VERSION_ID="?12"?$/m.test(osRelease)) {
    return undefined;
  }

  const real = [...paragraphs.values()].join('\n');
  const downgraded = real.replace(
    /(Package: libc6\n(?:.+\n)*?Version: ).*/,
    (_match, prefix: string) => `${prefix}2.36-9+deb12u13`,
  );
  const lower = buildLayer('debian-base', [
    { path: 'etc', type: 'Directory' },
    { path: 'etc/os-release', type: 'SymbolicLink', linkpath: '../usr/lib/os-release' },
    { path: 'usr/lib/os-release', content: osRelease },
    { path: 'var/lib/dpkg/status', content: downgraded },
  ]);
  const upper = buildLayer('debian-upgrade', [{ path: 'var/lib/dpkg/status', content: real }]);
  return { lower, upper, paragraphs };
}

/** Builds an Alpine 3.16 image with an installed database written for the tests. */
export function alpineLayer(versionId = '3.16.9'): LayerSource {
  const installed = [
    'C:Q1sl3FEgLRdGgyb1gZOY7fBlbmb9M=\nP:musl\nV:1.2.3-r3\nA:x86_64\nS:383152\nI:622592\nT:the musl c library (libc) implementation\nL:MIT\no:musl\n',
    'C:Q1ecuJqgyX+w2Ka7pk/TQWXFmwD7E=\nP:bind-libs\nV:9.16.45-r0\nA:x86_64\nL:MPL-2.0\no:bind\n',
    'C:Q1mJmJ2tyBHPvsnfGpBDBnc9ByiPk=\nP:bind-tools\nV:9.16.45-r0\nA:x86_64\nL:MPL-2.0\no:bind\n',
  ].join('\n');
  return buildLayer(`alpine-${versionId}`, [
    { path: 'etc/os-release', content: `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${versionId}\nPRETTY_NAME="Alpine Linux v3.16"\n` },
    { path: 'lib/apk/db/installed', content: installed },
  ]);
}

/** Builds a Node.js application with a version 3 lock file and one installed package.json. */
export function nodeAppLayer(): LayerSource {
  const lock = {
    name: 'shop',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'shop', version: '1.0.0', dependencies: { lodash: '^4.17.20', minimist: '^1.2.5' } },
      'node_modules/lodash': { version: '4.17.20', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz' },
      'node_modules/minimist': { version: '1.2.6' },
      'node_modules/@types/node': { version: '20.11.5', dev: true },
      'node_modules/mkdirp/node_modules/minimist': { version: '0.0.8' },
      'packages/ui': { version: '0.1.0' },
      'node_modules/ui': { resolved: 'packages/ui', link: true },
    },
  };
  return buildLayer('node-app', [
    { path: 'app/package-lock.json', content: JSON.stringify(lock, null, 2) },
    { path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20"}' },
    { path: 'app/node_modules/@scope/tool/package.json', content: '{"name":"@scope/tool","version":"2.0.0"}' },
  ]);
}

/** Builds a Python site-packages layer with dist-info metadata. */
export function pythonLayer(): LayerSource {
  const site = 'usr/local/lib/python3.11/site-packages';
  return buildLayer('python-app', [
    {
      path: `${site}/requests-2.28.1.dist-info/METADATA`,
      content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\nSummary: Python HTTP for Humans.\n\nLong description with Version: 9.9.9\n',
    },
    {
      path: `${site}/urllib3-2.0.7.dist-info/METADATA`,
      content: 'Metadata-Version: 2.1\nName: urllib3\nVersion: 2.0.7\n',
    },
  ]);
}
