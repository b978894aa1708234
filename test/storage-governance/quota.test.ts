import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCommand } from '../../api/cli/commands/index.ts';
import { buildImage, expectError, OCI_MANIFEST, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { graphql } from '../graphql/graphql-client.ts';

/** Usage as the database records it, in bytes. */
async function usageOf(wharf: TestWharf, project: string): Promise<number> {
  return (await wharf.services.quota.usage(project)).used;
}

describe('storage quotas', () => {
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  test('shared layer counts once per project', async () => {
    await wharf.services.projects.create('shared', { public: false });
    const first = buildImage({ layerCount: 2 });
    const second = buildImage({ layerCount: 1 });
    const sharedLayer = first.layers[0]!;
    // Rebuild the second manifest around the first image's layer.
    const manifest = JSON.parse(first.manifest.toString()) as { layers: unknown[]; config: unknown };
    const secondBody = JSON.parse(second.manifest.toString()) as { layers: unknown[] };
    secondBody.layers = [manifest.layers[0]];
    const secondManifest = Buffer.from(JSON.stringify(secondBody));

    await client.pushImage('shared/one', first, 'v1');
    await client.pushBlob('shared/two', second.config);
    await client.pushBlob('shared/two', sharedLayer);
    await client.pushManifest('shared/two', 'v1', secondManifest, OCI_MANIFEST);

    const expected =
      first.config.length + first.layers[0]!.length + first.layers[1]!.length + first.manifest.length + second.config.length + secondManifest.length;
    assert.equal(await usageOf(wharf, 'shared'), expected);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('same blob counts in each project', async () => {
    await wharf.services.projects.create('east', { public: false });
    await wharf.services.projects.create('west', { public: false });
    const blob = randomBytes(1000);

    await client.pushBlob('east/app', blob);
    await client.pushBlob('west/app', blob);

    assert.equal(await usageOf(wharf, 'east'), 1000);
    assert.equal(await usageOf(wharf, 'west'), 1000);
  });

  test('push over the limit is denied', async () => {
    await wharf.services.projects.create('small', { public: false });
    await wharf.services.quota.setLimit('small', 50 * 1024 * 1024);
    await client.pushBlob('small/app', randomBytes(1024));

    const big = randomBytes(60 * 1024 * 1024);
    const location = await client.startUpload('small/app');
    location.searchParams.set('digest', sha256(big));
    const response = await client.request('PUT', location, { body: big, headers: { 'content-type': 'application/octet-stream' } });

    const [error] = await expectError(response, 403, 'DENIED');
    assert.match(error!.message, /limit 50\.0 MiB/);
    assert.match(error!.message, /used 1\.0 KiB/);
    assert.match(error!.message, /adds 60\.0 MiB/);
    assert.equal(await usageOf(wharf, 'small'), 1024);
    const blobs = await wharf.services.db.prisma.repositoryBlob.count({ where: { digest: sha256(big) } });
    assert.equal(blobs, 0);
  });

  test('parallel pushes never pass the limit', async () => {
    await wharf.services.projects.create('race', { public: false });
    const size = 10_000;
    await wharf.services.quota.setLimit('race', size * 5);

    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const bytes = randomBytes(size);
        const location = await client.startUpload(`race/app${index % 3}`);
        location.searchParams.set('digest', sha256(bytes));
        const response = await client.request('PUT', location, { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
        await response.arrayBuffer();
        return response.status;
      }),
    );

    assert.equal(results.filter((status) => status === 201).length, 5);
    assert.equal(results.filter((status) => status === 403).length, 7);
    assert.equal(await usageOf(wharf, 'race'), size * 5);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('parallel pushes of one layer count it once', async () => {
    await wharf.services.projects.create('same', { public: false });
    const layer = randomBytes(5000);
    await Promise.all(Array.from({ length: 8 }, (_, index) => client.pushBlob(`same/app${index % 4}`, layer)));

    assert.equal(await usageOf(wharf, 'same'), 5000);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('mount charges the target project', async () => {
    await wharf.services.projects.create('mountsrc', { public: false });
    await wharf.services.projects.create('mountdst', { public: false });
    const blob = randomBytes(2048);
    const digest = await client.pushBlob('mountsrc/app', blob);
    await wharf.services.quota.setLimit('mountdst', 1000);

    const denied = await client.request('POST', `/v2/mountdst/app/blobs/uploads/?mount=${digest}&from=mountsrc/app`);
    await expectError(denied, 403, 'DENIED');
    assert.equal(await usageOf(wharf, 'mountdst'), 0);

    await wharf.services.quota.setLimit('mountdst', -1);
    const mounted = await client.request('POST', `/v2/mountdst/app/blobs/uploads/?mount=${digest}&from=mountsrc/app`);
    assert.equal(mounted.status, 201);
    assert.equal(await usageOf(wharf, 'mountdst'), 2048);
  });

  test('delete releases unshared content only', async () => {
    await wharf.services.projects.create('release', { public: false });
    const kept = buildImage({ layerCount: 1 });
    const dropped = buildImage({ layerCount: 2 });
    await client.pushImage('release/keep', kept, 'v1');
    await client.pushImage('release/drop', dropped, 'v1');
    // The kept repository also holds the dropped image's first layer.
    await client.pushBlob('release/keep', dropped.layers[0]!);
    const before = await usageOf(wharf, 'release');

    const response = await client.request('DELETE', `/v2/release/drop/manifests/${dropped.digest}`);
    assert.equal(response.status, 202);

    const released = dropped.manifest.length + dropped.config.length + dropped.layers[1]!.length;
    assert.equal(await usageOf(wharf, 'release'), before - released);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('verify reports and fixes drift', async () => {
    await wharf.services.projects.create('drift', { public: false });
    await client.pushBlob('drift/app', randomBytes(300));
    await wharf.services.db.prisma.project.update({ where: { name: 'drift' }, data: { storageUsed: 999 } });

    const report = await runCommand(['quota', 'verify'], wharf.services);
    assert.equal(report.exitCode, 1);
    assert.match(report.output, /drift: recorded 999 bytes, actual 300 bytes/);

    const fixed = await runCommand(['quota', 'verify', '--fix'], wharf.services);
    assert.equal(fixed.exitCode, 0);
    assert.equal(await usageOf(wharf, 'drift'), 300);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('quota set parses sizes', async () => {
    await wharf.services.projects.create('sizes', { public: false });
    const set = await runCommand(['quota', 'set', 'sizes', '50MiB'], wharf.services);
    assert.equal(set.exitCode, 0);
    assert.equal((await wharf.services.quota.usage('sizes')).limit, 50 * 1024 * 1024);

    const unlimited = await runCommand(['quota', 'set', 'sizes', '-1'], wharf.services);
    assert.equal(unlimited.exitCode, 0);
    assert.equal((await wharf.services.quota.usage('sizes')).limit, -1);

    const invalid = await runCommand(['quota', 'set', 'sizes', 'lots'], wharf.services);
    assert.equal(invalid.exitCode, 1);
    assert.match(invalid.output, /invalid size "lots"/);
  });

  test('default limit applies to new projects', async () => {
    const limitOf = async (project: string) => (await wharf.services.quota.usage(project)).limit;
    const tenMiB = 10 * 1024 * 1024;
    try {
      const setDefault = await runCommand(['quota', 'default', '10MiB'], wharf.services);
      assert.equal(setDefault.exitCode, 0, setDefault.output);
      assert.equal(await wharf.services.quota.defaultLimit(), tenMiB);

      const created = await runCommand(['project', 'create', 'fromcli'], wharf.services);
      assert.equal(created.exitCode, 0, created.output);
      assert.equal(await limitOf('fromcli'), tenMiB);

      const mutation = 'mutation { createProject(input: { name: "fromgraphql" }) { name } }';
      const response = await graphql(wharf, mutation, {}, wharf.adminAuth);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      assert.equal(await limitOf('fromgraphql'), tenMiB);

      await wharf.services.projects.create('fromservice', { public: false });
      assert.equal(await limitOf('fromservice'), tenMiB);
      assert.equal(await limitOf('library'), -1, 'a new default changed an existing project');

      const location = await client.startUpload('fromcli/app');
      const oversized = randomBytes(tenMiB + 1);
      location.searchParams.set('digest', sha256(oversized));
      const denied = await client.request('PUT', location, { body: oversized, headers: { 'content-type': 'application/octet-stream' } });
      const [error] = await expectError(denied, 403, 'DENIED');
      assert.match(error!.message, /limit 10\.0 MiB/);
    } finally {
      await wharf.services.quota.setDefaultLimit(-1);
    }
    await wharf.services.projects.create('afterreset', { public: false });
    assert.equal(await limitOf('afterreset'), -1);
  });
});
