import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCommand } from '../../api/cli/commands/index.ts';
import { blobKey } from '../../api/storage/paths.ts';
import { buildImage, buildIndex, OCI_INDEX, OCI_MANIFEST, readBytes, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

async function storedBlobKeys(wharf: TestWharf): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of wharf.services.storage.list('blobs/')) keys.push(key);
  return keys.sort();
}

async function knownBlobKeys(wharf: TestWharf): Promise<string[]> {
  const rows = await wharf.services.db.prisma.blob.findMany({ select: { digest: true } });
  return rows.map((row) => blobKey(row.digest)).sort();
}

const NOW = { dryRun: false, deleteUntagged: false, graceSeconds: 0, trigger: 'test' } as const;

describe('garbage collection', () => {
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf({ WHARF_GC_INTERVAL: '0', WHARF_RETENTION_INTERVAL: '0' });
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    await wharf.services.projects.create('gc', { public: false });
  });
  after(async () => {
    await wharf.close();
  });

  test('delete then gc frees unshared layers', async () => {
    const kept = buildImage({ layerCount: 1 });
    const dropped = buildImage({ layerCount: 2 });
    await client.pushImage('gc/keep', kept, 'v1');
    await client.pushImage('gc/drop', dropped, 'v1');
    await client.pushBlob('gc/keep', dropped.layers[0]!);
    await wharf.services.gc.run(NOW);

    const response = await client.request('DELETE', `/v2/gc/drop/manifests/${dropped.digest}`);
    assert.equal(response.status, 202);

    const dry = await wharf.services.gc.run({ ...NOW, dryRun: true });
    const expectedBytes = dropped.config.length + dropped.layers[1]!.length;
    assert.equal(dry.bytesFreed, expectedBytes);
    assert.deepEqual(dry.candidates.map((candidate) => candidate.digest).sort(), [sha256(dropped.config), sha256(dropped.layers[1]!)].sort());
    assert.ok(await wharf.services.storage.stat(blobKey(sha256(dropped.config))), 'dry run deleted a blob');

    const report = await wharf.services.gc.run(NOW);
    assert.equal(report.blobsDeleted, 2);
    assert.equal(report.bytesFreed, expectedBytes);
    assert.equal(await wharf.services.storage.stat(blobKey(sha256(dropped.layers[1]!))), undefined);
    assert.ok(await wharf.services.storage.stat(blobKey(sha256(dropped.layers[0]!))), 'shared layer was deleted');

    const pulled = await client.request('GET', `/v2/gc/keep/blobs/${sha256(dropped.layers[0]!)}`);
    assert.deepEqual(await readBytes(pulled), dropped.layers[0]);
    assert.deepEqual(await storedBlobKeys(wharf), await knownBlobKeys(wharf));
  });

  test('grace period keeps new blobs', async () => {
    const bytes = randomBytes(500);
    const digest = await client.pushBlob('gc/grace', bytes);
    await client.request('DELETE', `/v2/gc/grace/blobs/${digest}`);

    const report = await wharf.services.gc.run({ ...NOW, graceSeconds: 3600 });
    assert.equal(report.blobsDeleted, 0);
    assert.ok(await wharf.services.storage.stat(blobKey(digest)));
  });

  test('delete untagged keeps index children', async () => {
    const loose = buildImage();
    const child = buildImage();
    await client.pushImage('gc/untagged', loose);
    await client.pushImage('gc/untagged', child);
    const index = buildIndex([child.descriptor]);
    await client.pushManifest('gc/untagged', 'multi', index, OCI_INDEX);

    const report = await wharf.services.gc.run({ ...NOW, deleteUntagged: true });
    assert.equal(report.artifactsDeleted, 1);
    assert.equal((await client.request('HEAD', `/v2/gc/untagged/manifests/${loose.digest}`)).status, 404);
    assert.equal((await client.request('HEAD', `/v2/gc/untagged/manifests/${child.digest}`)).status, 200);
    assert.equal(await wharf.services.storage.stat(blobKey(sha256(loose.layers[0]!))), undefined);
  });

  test('orphan storage files are removed', async () => {
    const orphan = randomBytes(100);
    const key = blobKey(sha256(orphan));
    const { Readable } = await import('node:stream');
    await wharf.services.storage.writeAt(key, 0, Readable.from([orphan]));

    const report = await wharf.services.gc.run(NOW);
    assert.equal(report.orphanFiles, 1);
    assert.equal(await wharf.services.storage.stat(key), undefined);
  });

  test('push during gc keeps its blob', async () => {
    for (let round = 0; round < 5; round += 1) {
      const bytes = randomBytes(4096);
      const digest = await client.pushBlob('gc/race', bytes);
      await client.request('DELETE', `/v2/gc/race/blobs/${digest}`);

      const [, pushed] = await Promise.all([wharf.services.gc.run(NOW), client.pushBlob('gc/race', bytes)]);
      assert.equal(pushed, digest);

      const response = await client.request('GET', `/v2/gc/race/blobs/${digest}`);
      assert.equal(response.status, 200, `round ${round}: pushed blob unreadable after gc`);
      assert.deepEqual(await readBytes(response), bytes);
    }
    assert.deepEqual(await storedBlobKeys(wharf), await knownBlobKeys(wharf));
  });

  test('manifest push during gc keeps layers', async () => {
    const image = buildImage({ layerCount: 2 });
    await client.pushBlob('gc/manifest-race', image.config);
    for (const layer of image.layers) await client.pushBlob('gc/manifest-race', layer);

    const [report] = await Promise.all([
      wharf.services.gc.run(NOW),
      client.pushManifest('gc/manifest-race', 'v1', image.manifest, OCI_MANIFEST),
    ]);
    assert.equal(report.blobsDeleted, 0);
    for (const layer of image.layers) {
      const response = await client.request('GET', `/v2/gc/manifest-race/blobs/${sha256(layer)}`);
      assert.deepEqual(await readBytes(response), layer);
    }
  });

  test('gc command and run history', async () => {
    const dry = await runCommand(['gc', '--dry-run', '--grace', '0s'], wharf.services);
    assert.equal(dry.exitCode, 0);
    assert.match(dry.output, /\(dry run\)/);

    const real = await runCommand(['gc', '--delete-untagged', '--grace', '1h'], wharf.services);
    assert.equal(real.exitCode, 0);
    assert.match(real.output, /blobs deleted: \d+/);

    const history = await wharf.services.gc.history(2);
    assert.equal(history[0]!.status, 'succeeded');
    assert.equal(history[0]!.deleteUntagged, true);
    assert.equal(history[0]!.graceSeconds, 3600);
    assert.equal(history[1]!.dryRun, true);

    const invalid = await runCommand(['gc', '--grace', 'soon'], wharf.services);
    assert.equal(invalid.exitCode, 1);
    assert.match(invalid.output, /invalid duration "soon"/);
  });
});
