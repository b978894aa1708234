import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import zlib, { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { InvalidLayerError, readImageInventory } from '../../api/scan/inventory/image.ts';
import { buildLayer, rawLayer, type LayerEntry } from './support/layers.ts';

const statusEntry: LayerEntry = {
  path: 'var/lib/dpkg/status',
  content: 'Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nSource: zlib\n',
};
const osRelease: LayerEntry = { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' };

describe('hostile layers', () => {
  test('huge files stream through', async () => {
    const base = buildLayer('base', [osRelease, statusEntry]);
    const huge = buildLayer(
      'huge',
      [
        { path: 'usr/share/blob.bin', zeroBytes: 256 * 1024 * 1024 },
        { path: 'usr/local/bin/blob', zeroBytes: 64 * 1024 * 1024, mode: 0o755 },
        { path: 'app/package-lock.json', zeroBytes: 40 * 1024 * 1024 },
      ],
      false,
    );
    const heapBefore = process.memoryUsage().heapUsed;

    const inventory = await readImageInventory([base, huge]);

    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(heapGrowth < 64 * 1024 * 1024, `heap grew by ${heapGrowth} bytes`);
    assert.deepEqual(
      inventory.packages.map((item) => `${item.name}@${item.version}`),
      ['zlib1g@1:1.2.13.dfsg-1'],
    );
    assert.deepEqual(inventory.skipped, [
      {
        path: 'app/package-lock.json',
        layerDigest: huge.digest,
        reason: 'file is 41943040 bytes, larger than the 33554432-byte limit',
      },
    ]);
  });

  test('deep and climbing paths', async () => {
    const deep = `${'d/'.repeat(1500)}node_modules/deep/package.json`;
    const tooDeep = `${'e/'.repeat(5000)}node_modules/x/package.json`;
    const layer = buildLayer('deep', [
      { path: deep, content: '{"name":"deep","version":"1.0.0"}' },
      { path: tooDeep, content: '{"name":"x","version":"1.0.0"}' },
      { path: '../../etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.0\n' },
    ]);

    const inventory = await readImageInventory([layer]);

    assert.deepEqual(inventory.packages.map((item) => item.name), ['deep']);
    assert.equal(inventory.os, undefined);
    assert.deepEqual(
      inventory.skipped.map((item) => item.reason),
      ['path is invalid or too long', 'path is invalid or too long'],
    );
    assert.ok(inventory.skipped[0]!.path.length <= 203, 'long paths are shortened in the report');
  });

  test('many whiteouts', async () => {
    const base = buildLayer('base', [osRelease, statusEntry]);
    const whiteouts: LayerEntry[] = [];
    for (let index = 0; index < 25_000; index++) {
      whiteouts.push({ path: `var/lib/dpkg/.wh.status-${index}`, content: '' });
      whiteouts.push({ path: `tmp/dir${index}/.wh..wh..opq`, content: '' });
    }
    const noisy = buildLayer('whiteouts', whiteouts);

    const inventory = await readImageInventory([base, noisy]);

    assert.deepEqual(inventory.packages.map((item) => item.name), ['zlib1g']);
    assert.equal(inventory.packages[0]!.layerDigest, base.digest);
  });

  test('root opaque whiteout clears all', async () => {
    const base = buildLayer('base', [osRelease, statusEntry]);
    const wipe = buildLayer('wipe', [{ path: '.wh..wh..opq', content: '' }]);

    const inventory = await readImageInventory([base, wipe]);

    assert.deepEqual(inventory.packages, []);
    assert.equal(inventory.os, undefined);
  });

  test('invalid tar names the layer', async () => {
    const base = buildLayer('base', [statusEntry]);
    const garbage = rawLayer('garbage', Buffer.from('this is not a tar archive '.repeat(100)));

    await assert.rejects(readImageInventory([base, garbage]), (error: unknown) => {
      assert.ok(error instanceof InvalidLayerError);
      assert.equal(error.layerDigest, garbage.digest);
      assert.equal(error.message, `layer ${garbage.digest} is not a valid tar archive: checksum failure`);
      return true;
    });
  });

  test('truncated gzip names the layer', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of await buildLayer('tar', [statusEntry, { path: 'big', zeroBytes: 1 << 20 }], false).open()) {
      chunks.push(chunk as Buffer);
    }
    const compressed = gzipSync(Buffer.concat(chunks));
    const truncated = rawLayer('truncated', compressed.subarray(0, compressed.length - 64));

    await assert.rejects(readImageInventory([truncated]), (error: unknown) => {
      assert.ok(error instanceof InvalidLayerError);
      assert.match(error.message, new RegExp(`^layer ${truncated.digest} is not a valid tar archive: zlib: `));
      return true;
    });
  });

  test('empty layers are valid', async () => {
    const empty = rawLayer('empty', Buffer.alloc(0));
    const endBlocks = rawLayer('end-blocks', gzipSync(Buffer.alloc(1024)));

    const inventory = await readImageInventory([empty, endBlocks]);

    assert.deepEqual(inventory, { packages: [], skipped: [] });
  });

  test('zstd layer never crashes the scan', async (t) => {
    const tar: Buffer[] = [];
    for await (const chunk of await buildLayer('zstd-source', [osRelease, statusEntry], false).open()) tar.push(chunk as Buffer);
    const compressed = spawnSync('zstd', ['-q', '-c'], { input: Buffer.concat(tar) });
    if (compressed.status !== 0 || compressed.error) {
      t.skip('the zstd command is not installed');
      return;
    }
    const layer = rawLayer('zstd', compressed.stdout);

    const result = await readImageInventory([layer]).then(
      (inventory) => ({ inventory }),
      (error: unknown) => ({ error }),
    );

    if (typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function') {
      assert.ok('inventory' in result, String((result as { error?: unknown }).error));
      assert.deepEqual(result.inventory.packages.map((item) => item.name), ['zlib1g']);
    } else {
      assert.ok('error' in result, 'expected an error result');
      assert.ok(result.error instanceof InvalidLayerError, String(result.error));
      assert.match(result.error.message, /zstd-compressed, which needs Node\.js 22\.15 or later/);
    }
  });
});
