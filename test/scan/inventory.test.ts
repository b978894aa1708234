import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GoBuildInfoReader } from '../../api/scan/inventory/go-buildinfo.ts';
import { readImageInventory } from '../../api/scan/inventory/image.ts';
import { parseNpmLockfile } from '../../api/scan/inventory/npm.ts';
import { parsePythonMetadata } from '../../api/scan/inventory/python.ts';
import { skipUnlessInstalled } from '../support/tools.ts';
import { buildLayer } from './support/layers.ts';
import {
  alpineLayer,
  debianLayers,
  fieldOf,
  nodeAppLayer,
  pythonLayer,
  readRealDpkgParagraphs,
} from './support/images.ts';

describe('image inventory', () => {
  test('dpkg status from real packages', async (t) => {
    const debian = debianLayers();
    if (!debian) {
      t.skip('this machine is not Debian 12 with libc6 installed');
      return;
    }

    const inventory = await readImageInventory([debian.lower, debian.upper]);

    assert.deepEqual(inventory.os, {
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    for (const [name, paragraph] of debian.paragraphs) {
      const found = inventory.packages.filter((item) => item.name === name);
      assert.equal(found.length, 1, `${name} listed once`);
      const item = found[0]!;
      assert.equal(item.version, fieldOf(paragraph, 'Version'), `${name} version`);
      assert.equal(item.ecosystem, 'Debian');
      assert.equal(item.type, 'deb');
      assert.equal(item.path, 'var/lib/dpkg/status');
      assert.equal(item.architecture, fieldOf(paragraph, 'Architecture'));
      const source = fieldOf(paragraph, 'Source');
      assert.equal(item.sourceName, source?.split(' ')[0], `${name} source package`);
      assert.equal(item.sourceVersion, /\((.+)\)/.exec(source ?? '')?.[1], `${name} source version`);
      // libc6 changed version in the upper layer; the others were installed below.
      const expectedLayer: string = name === 'libc6' ? debian.upper.digest : debian.lower.digest;
      assert.equal(item.layerDigest, expectedLayer, `${name} layer`);
    }
    assert.equal(inventory.packages.length, debian.paragraphs.size);
    assert.deepEqual(inventory.skipped, []);
  });

  test('apk database and os-release', async () => {
    const layer = alpineLayer();

    const inventory = await readImageInventory([layer]);

    assert.deepEqual(inventory.os, { id: 'alpine', versionId: '3.16.9', prettyName: 'Alpine Linux v3.16' });
    assert.deepEqual(
      inventory.packages.map((item) => [item.name, item.version, item.sourceName, item.ecosystem]),
      [
        ['bind-libs', '9.16.45-r0', 'bind', 'Alpine'],
        ['bind-tools', '9.16.45-r0', 'bind', 'Alpine'],
        ['musl', '1.2.3-r3', 'musl', 'Alpine'],
      ],
    );
    assert.ok(inventory.packages.every((item) => item.layerDigest === layer.digest));
  });

  test('npm and Python packages', async () => {
    const node = nodeAppLayer();
    const python = pythonLayer();

    const inventory = await readImageInventory([node, python]);

    assert.deepEqual(
      inventory.packages.map((item) => `${item.type} ${item.name}@${item.version} ${item.path}`),
      [
        'npm @scope/tool@2.0.0 app/node_modules/@scope/tool/package.json',
        'npm lodash@4.17.20 app/node_modules/lodash/package.json',
        'npm minimist@0.0.8 app/package-lock.json',
        'npm minimist@1.2.6 app/package-lock.json',
        'pypi requests@2.28.1 usr/local/lib/python3.11/site-packages/requests-2.28.1.dist-info/METADATA',
        'pypi urllib3@2.0.7 usr/local/lib/python3.11/site-packages/urllib3-2.0.7.dist-info/METADATA',
      ],
    );
  });

  test('whiteouts remove lower files', async () => {
    const node = nodeAppLayer();
    const python = pythonLayer();
    const site = 'usr/local/lib/python3.11/site-packages';
    const cleanup = buildLayer('cleanup', [
      { path: 'app/node_modules/.wh.lodash', content: '' },
      { path: `${site}/.wh..wh..opq`, content: '' },
      // Added in the same layer as the opaque whiteout, so it stays.
      { path: `${site}/requests-2.31.0.dist-info/METADATA`, content: 'Name: requests\nVersion: 2.31.0\n' },
      // A file replacing the lock file's directory hides the lock file.
      { path: 'app', content: 'not a directory any more' },
    ]);

    const inventory = await readImageInventory([node, python, cleanup]);

    assert.deepEqual(
      inventory.packages.map((item) => `${item.name}@${item.version}`),
      ['requests@2.31.0'],
    );
    assert.equal(inventory.packages[0]!.layerDigest, cleanup.digest);
  });

  test('whiteout of a file, then re-added', async () => {
    const first = buildLayer('first', [{ path: 'srv/node_modules/left-pad/package.json', content: '{"name":"left-pad","version":"1.1.0"}' }]);
    const removal = buildLayer('removal', [{ path: 'srv/node_modules/left-pad/.wh.package.json', content: '' }]);
    const again = buildLayer('again', [{ path: 'srv/node_modules/left-pad/package.json', content: '{"name":"left-pad","version":"1.1.0"}' }]);

    const removed = await readImageInventory([first, removal]);
    const readded = await readImageInventory([first, removal, again]);

    assert.deepEqual(removed.packages, []);
    assert.equal(readded.packages.length, 1);
    assert.equal(readded.packages[0]!.layerDigest, again.digest);
  });

  test('oversized database is skipped', async () => {
    const layer = buildLayer('big-status', [{ path: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n\n'.repeat(200) }]);

    const inventory = await readImageInventory([layer], { maxFileBytes: 1024 });

    assert.deepEqual(inventory.packages, []);
    assert.deepEqual(inventory.skipped, [
      { path: 'var/lib/dpkg/status', layerDigest: layer.digest, reason: 'file is 4600 bytes, larger than the 1024-byte limit' },
    ]);
  });

  test('invalid lock file is skipped', async () => {
    const layer = buildLayer('bad-lock', [{ path: 'srv/package-lock.json', content: '{"lockfileVersion": 3,' }]);

    const inventory = await readImageInventory([layer]);

    assert.equal(inventory.skipped.length, 1);
    assert.match(inventory.skipped[0]!.reason, /^cannot parse: /);
  });
});

describe('package file parsers', () => {
  test('npm lock file version 1', () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        express: {
          version: '4.17.1',
          dependencies: { qs: { version: '6.7.0' } },
        },
        jest: { version: '29.0.0', dev: true },
        local: { version: 'file:../local' },
      },
    };

    const found = parseNpmLockfile(JSON.stringify(lock));

    assert.deepEqual(
      found.map((item) => `${item.name}@${item.version}`).sort(),
      ['express@4.17.1', 'qs@6.7.0'],
    );
  });

  test('npm lock file version 2 aliases', () => {
    const lock = {
      lockfileVersion: 2,
      packages: {
        '': { name: 'app' },
        'node_modules/old-lodash': { name: 'lodash', version: '3.10.1' },
      },
      dependencies: { 'old-lodash': { version: 'npm:lodash@3.10.1' } },
    };

    assert.deepEqual(parseNpmLockfile(JSON.stringify(lock)), [{ name: 'lodash', version: '3.10.1' }]);
  });

  test('Python metadata header only', () => {
    const text = 'Metadata-Version: 2.1\nName: Flask\nVersion: 2.2.2\n\nVersion: 0.0.1 in the body\n';

    assert.deepEqual(parsePythonMetadata(text), { name: 'Flask', version: '2.2.2' });
    assert.equal(parsePythonMetadata('Name: x\n'), undefined);
  });
});

describe('Go binaries', () => {
  test('ELF with module lines', async () => {
    const binary = buildElfWithBuildInfo('go1.21.5', [
      'path\texample.com/app',
      'mod\texample.com/app\t(devel)\t',
      'dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=',
      'dep\tgithub.com/old/mod\tv1.0.0\t',
      '=>\tgithub.com/new/mod\tv1.2.0\th1:AAAA',
      'dep\tgithub.com/local/mod\tv0.1.0\t',
      '=>\t../local\t',
      'build\t-compiler=gc',
    ]);
    const layer = buildLayer('go-elf', [{ path: 'usr/bin/app', content: binary, mode: 0o755 }]);

    const inventory = await readImageInventory([layer]);

    assert.deepEqual(
      inventory.packages.map((item) => `${item.name}@${item.version}`),
      ['github.com/local/mod@v0.1.0', 'github.com/new/mod@v1.2.0', 'golang.org/x/text@v0.3.7', 'stdlib@1.21.5'],
    );
  });

  test('corrupt program headers are not ELF', () => {
    const binary = Buffer.alloc(200);
    binary.write('\x7fELF', 0, 'latin1');
    binary[4] = 2;
    binary[5] = 1;
    // Program headers of 1 byte each, ending past the file's last byte when read as 56.
    binary.writeBigUInt64LE(195n, 32);
    binary.writeUInt16LE(1, 54);
    binary.writeUInt16LE(3, 56);
    const reader = new GoBuildInfoReader(1024 * 1024);

    reader.write(binary);

    assert.deepEqual(reader.finish(), { kind: 'none' });
  });

  test('build information across small chunks', () => {
    const binary = buildElfWithBuildInfo('go1.22', ['path\tx', 'dep\tgolang.org/x/net\tv0.17.0\t']);
    const reader = new GoBuildInfoReader(1024 * 1024);

    for (let offset = 0; offset < binary.length && !reader.done; offset += 7) {
      reader.write(binary.subarray(offset, offset + 7));
    }
    const result = reader.finish();

    assert.equal(result.kind, 'found');
    assert.ok(result.kind === 'found');
    assert.equal(result.info.goVersion, 'go1.22');
    assert.deepEqual(result.info.deps, [{ path: 'golang.org/x/net', version: 'v0.17.0' }]);
  });

  test('magic outside writable segment', () => {
    const binary = buildElfWithBuildInfo('go1.22', ['path\tx'], { writable: false });
    const reader = new GoBuildInfoReader(1024 * 1024);

    reader.write(binary);

    assert.deepEqual(reader.finish(), { kind: 'none' });
  });

  test('build information of a vendored module', { skip: skipUnlessInstalled('go') }, async (t) => {
    const built = buildGoBinary();
    if (typeof built === 'string') {
      t.skip(built);
      return;
    }
    const layer = buildLayer('go-app', [{ path: 'usr/local/bin/app', content: built.binary, mode: 0o755 }]);

    const inventory = await readImageInventory([layer]);

    assert.deepEqual(
      inventory.packages.map((item) => `${item.type} ${item.name}@${item.version} ${item.path}`),
      [
        'golang golang.org/x/text@v0.3.7 usr/local/bin/app',
        `golang stdlib@${built.stdlibVersion} usr/local/bin/app`,
      ],
    );
  });

  test('machine binaries without modules', async (t) => {
    const binaryPath = ['/usr/bin/umoci', '/usr/bin/skopeo'].find((candidate) => existsSync(candidate));
    const goVersion = binaryPath ? debianGoToolchain(path.basename(binaryPath)) : undefined;
    if (!binaryPath || !goVersion) {
      t.skip('needs a Debian-built Go binary such as umoci, with Built-Using in its dpkg status');
      return;
    }
    const layer = buildLayer('debian-go', [{ path: binaryPath.slice(1), content: readFileSync(binaryPath), mode: 0o755 }], false);

    const inventory = await readImageInventory([layer]);

    assert.deepEqual(
      inventory.packages.map((item) => `${item.name}@${item.version}`),
      [`stdlib@${goVersion}`],
    );
  });
});

/**
 * Writes a minimal little-endian ELF64 file with one PT_LOAD segment at offset 4096.
 * The segment contains a `.go.buildinfo` blob in the Go 1.18+ layout: a 32-byte
 * header with the inline-strings flag, then the uvarint-prefixed version and module
 * text framed by 16-byte sentinels. Padding follows so the file is larger than one chunk.
 */
function buildElfWithBuildInfo(goVersion: string, moduleLines: string[], options = { writable: true }): Buffer {
  const segmentOffset = 4096;
  const header = Buffer.alloc(64 + 56);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2;
  header[5] = 1;
  header[6] = 1;
  header.writeBigUInt64LE(64n, 32);
  header.writeUInt16LE(64, 52);
  header.writeUInt16LE(56, 54);
  header.writeUInt16LE(1, 56);

  const infoHeader = Buffer.alloc(32);
  infoHeader.write('\xff Go buildinf:', 0, 'latin1');
  infoHeader[14] = 8;
  infoHeader[15] = 2;
  const sentinel = Buffer.alloc(16, 0x30);
  const moduleText = Buffer.concat([sentinel, Buffer.from(`${moduleLines.join('\n')}\n`), sentinel]);
  const versionText = Buffer.from(goVersion);
  const segment = Buffer.concat([
    infoHeader,
    Buffer.from([versionText.length]),
    versionText,
    uvarint(moduleText.length),
    moduleText,
  ]);

  // Program header: PT_LOAD, flags read+write (or read+execute), file offset and size.
  header.writeUInt32LE(1, 64);
  header.writeUInt32LE(options.writable ? 6 : 5, 68);
  header.writeBigUInt64LE(BigInt(segmentOffset), 72);
  header.writeBigUInt64LE(BigInt(segment.length), 96);
  header.writeBigUInt64LE(BigInt(segment.length), 104);

  const padding = Buffer.alloc(segmentOffset - header.length);
  return Buffer.concat([header, padding, segment, Buffer.alloc(70_000)]);
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/**
 * Reads the Go toolchain that Debian built a package with, from the package's
 * `Built-Using: ... golang-1.19 (= 1.19.8-2)` field, as `1.19.8`. Debian builds
 * Go programs without module mode, so the binary's build information carries
 * only the toolchain version, which this independent source confirms.
 */
function debianGoToolchain(packageName: string): string | undefined {
  if (!existsSync('/var/lib/dpkg/status')) return undefined;
  const paragraph = readRealDpkgParagraphs([packageName])?.get(packageName);
  const builtUsing = paragraph ? fieldOf(paragraph, 'Built-Using') : undefined;
  return builtUsing ? /\bgolang-[0-9.]+ \(= ([0-9.]+)-/.exec(builtUsing)?.[1] : undefined;
}

/**
 * Builds a small Go program that imports a vendored golang.org/x/text v0.3.7, so
 * no module download is needed. Returns why it could not when Go is missing.
 */
function buildGoBinary(): { binary: Buffer; stdlibVersion: string } | string {
  const version = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (version.status !== 0) return 'go is not installed';
  const goVersion = version.stdout.trim();
  const stdlibVersion = /^go(\d+\.\d+)$/.test(goVersion) ? `${goVersion.slice(2)}.0` : goVersion.slice(2);

  const directory = mkdtempSync(path.join(tmpdir(), 'wharf-go-'));
  try {
    const vendored = path.join(directory, 'vendor/golang.org/x/text/language');
    mkdirSync(vendored, { recursive: true });
    writeFileSync(path.join(directory, 'go.mod'), 'module example.com/app\n\ngo 1.18\n\nrequire golang.org/x/text v0.3.7\n');
    writeFileSync(path.join(directory, 'vendor/modules.txt'), '# golang.org/x/text v0.3.7\n## explicit\ngolang.org/x/text/language\n');
    writeFileSync(path.join(vendored, 'language.go'), 'package language\n\nfunc Name() string { return "en" }\n');
    writeFileSync(
      path.join(directory, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/text/language"\n)\n\nfunc main() { fmt.Println(language.Name()) }\n',
    );

    const build = spawnSync('go', ['build', '-mod=vendor', '-o', 'app', '.'], {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '', GOPROXY: 'off', GOCACHE: path.join(directory, 'cache'), CGO_ENABLED: '0' },
    });
    if (build.status !== 0) return `go build failed: ${build.stderr}`;
    return { binary: readFileSync(path.join(directory, 'app')), stdlibVersion };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
