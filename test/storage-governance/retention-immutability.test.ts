import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCommand } from '../../api/cli/commands/index.ts';
import { buildImage, expectError, OCI_MANIFEST, RegistryClient } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const DAY_MS = 24 * 3600 * 1000;

describe('immutable tags', () => {
  let wharf: TestWharf;
  let client: RegistryClient;
  let projectId: number;

  before(async () => {
    wharf = await startTestWharf({ WHARF_GC_INTERVAL: '0', WHARF_RETENTION_INTERVAL: '0' });
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    projectId = (await wharf.services.projects.create('frozen', { public: false })).id;
    await wharf.services.immutability.add(projectId, { repositoryPattern: 'apps/**', tagPattern: 'v*' });
  });
  after(async () => {
    await wharf.close();
  });

  test('immutable tag cannot move', async () => {
    const first = buildImage();
    const second = buildImage();
    await client.pushImage('frozen/apps/web', first, 'v1');
    await client.pushBlob('frozen/apps/web', second.config);
    await client.pushBlob('frozen/apps/web', second.layers[0]!);

    const moved = await client.putManifest('frozen/apps/web', 'v1', second.manifest, OCI_MANIFEST);
    const [error] = await expectError(moved, 403, 'DENIED');
    assert.match(error!.message, /tag v1 of frozen\/apps\/web is immutable/);

    const again = await client.putManifest('frozen/apps/web', 'v1', first.manifest, OCI_MANIFEST);
    assert.equal(again.status, 201, 'pushing the same manifest again must stay allowed');
  });

  test('immutable tag cannot be deleted', async () => {
    const image = buildImage();
    await client.pushImage('frozen/apps/api', image, 'v2');
    await expectError(await client.request('DELETE', '/v2/frozen/apps/api/manifests/v2'), 403, 'DENIED');
    await expectError(await client.request('DELETE', `/v2/frozen/apps/api/manifests/${image.digest}`), 403, 'DENIED');
  });

  test('rules match only their patterns', async () => {
    const image = buildImage();
    const other = buildImage();
    await client.pushImage('frozen/tools/cli', image, 'v1');
    await client.pushImage('frozen/tools/cli', other, 'v1');
    await client.pushImage('frozen/apps/web', image, 'latest');
    await client.pushImage('frozen/apps/web', other, 'latest');
    assert.equal((await client.request('DELETE', '/v2/frozen/apps/web/manifests/latest')).status, 202);
  });

  test('exclude patterns invert a rule', async () => {
    const excludeProject = (await wharf.services.projects.create('frozen2', { public: false })).id;
    await wharf.services.immutability.add(excludeProject, { repositoryPattern: '**', tagPattern: 'dev-*', tagExclude: true });
    const image = buildImage();
    await client.pushImage('frozen2/app', image, 'release');
    await client.pushImage('frozen2/app', image, 'dev-1');
    await expectError(await client.request('DELETE', '/v2/frozen2/app/manifests/release'), 403, 'DENIED');
    assert.equal((await client.request('DELETE', '/v2/frozen2/app/manifests/dev-1')).status, 202);
  });
});

describe('tag retention', () => {
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf({ WHARF_GC_INTERVAL: '0', WHARF_RETENTION_INTERVAL: '0' });
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  /** Pushes one image per tag and spreads their push times one day apart, oldest first. */
  async function pushTags(repository: string, tags: string[]): Promise<void> {
    const prisma = wharf.services.db.prisma;
    for (const [index, tag] of tags.entries()) {
      await client.pushImage(repository, buildImage(), tag);
      const pushedAt = new Date(Date.now() - (tags.length - index) * DAY_MS);
      await prisma.tag.updateMany({ where: { name: tag, repository: { name: repository } }, data: { pushedAt } });
    }
  }

  async function tagsOf(repository: string): Promise<string[]> {
    const response = await client.getJson<{ tags: string[] }>(`/v2/${repository}/tags/list`);
    return response.tags;
  }

  test('latestPushed keeps the newest N', async () => {
    const project = await wharf.services.projects.create('keepn', { public: false });
    await pushTags('keepn/app', ['1', '2', '3', '4', '5']);
    await wharf.services.retention.addRule(project.id, { repositoryPattern: '**', tagPattern: '**', kind: 'latestPushed', value: 2 });

    const dry = await wharf.services.retention.run('keepn', true);
    assert.deepEqual(dry.deleted.map((entry) => entry.tags[0]).sort(), ['1', '2', '3']);
    assert.deepEqual(await tagsOf('keepn/app'), ['1', '2', '3', '4', '5']);

    const result = await wharf.services.retention.run('keepn', false);
    assert.equal(result.deleted.length, 3);
    assert.deepEqual(await tagsOf('keepn/app'), ['4', '5']);
  });

  test('pushedWithinDays and tag patterns combine', async () => {
    const project = await wharf.services.projects.create('recent', { public: false });
    await pushTags('recent/app', ['old-1', 'old-2', 'release-1', 'new-1', 'new-2']);
    await wharf.services.retention.addRule(project.id, { repositoryPattern: '**', tagPattern: '**', kind: 'pushedWithinDays', value: 3 });
    await wharf.services.retention.addRule(project.id, { repositoryPattern: '**', tagPattern: 'release-*', kind: 'always' });

    await wharf.services.retention.run('recent', false);
    assert.deepEqual(await tagsOf('recent/app'), ['new-1', 'new-2', 'release-1']);
  });

  test('latestPulled keeps recently pulled tags', async () => {
    const project = await wharf.services.projects.create('pulled', { public: false });
    await pushTags('pulled/app', ['a', 'b', 'c']);
    await client.request('GET', '/v2/pulled/app/manifests/a', { headers: { accept: OCI_MANIFEST } }).then((response) => response.arrayBuffer());
    // Pull times are written without blocking the pull; wait until it is visible.
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const tag = await wharf.services.db.prisma.tag.findFirst({ where: { name: 'a', repository: { name: 'pulled/app' } } });
      if (tag?.pulledAt) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await wharf.services.retention.addRule(project.id, { repositoryPattern: '**', tagPattern: '**', kind: 'latestPulled', value: 1 });

    await wharf.services.retention.run('pulled', false);
    assert.deepEqual(await tagsOf('pulled/app'), ['a']);
  });

  test('repository selector limits scope', async () => {
    const project = await wharf.services.projects.create('scoped', { public: false });
    await pushTags('scoped/web', ['1', '2']);
    await pushTags('scoped/db', ['1', '2']);
    await wharf.services.retention.addRule(project.id, { repositoryPattern: 'web', tagPattern: '**', kind: 'latestPushed', value: 1 });

    await wharf.services.retention.run('scoped', false);
    assert.deepEqual(await tagsOf('scoped/web'), ['2']);
    assert.deepEqual(await tagsOf('scoped/db'), ['1', '2']);
  });

  test('immutable tags survive retention', async () => {
    const project = await wharf.services.projects.create('guarded', { public: false });
    await pushTags('guarded/app', ['v1', 'v2', 'v3']);
    await wharf.services.immutability.add(project.id, { repositoryPattern: '**', tagPattern: 'v1' });
    await wharf.services.retention.addRule(project.id, { repositoryPattern: '**', tagPattern: '**', kind: 'latestPushed', value: 1 });

    const result = await wharf.services.retention.run('guarded', false);
    assert.equal(result.keptImmutable.length, 1);
    assert.deepEqual(await tagsOf('guarded/app'), ['v1', 'v3']);
  });

  test('retention command dry run', async () => {
    await wharf.services.projects.create('cli', { public: false });
    await pushTags('cli/app', ['1', '2', '3']);
    const added = await runCommand(['retention', 'add', 'cli', '--kind', 'latestPushed', '--value', '1'], wharf.services);
    assert.equal(added.exitCode, 0);

    const dry = await runCommand(['retention', 'run', 'cli', '--dry-run'], wharf.services);
    assert.equal(dry.exitCode, 0);
    assert.match(dry.output, /would delete 2 artifacts/);
    assert.deepEqual(await tagsOf('cli/app'), ['1', '2', '3']);

    const invalid = await runCommand(['retention', 'add', 'cli', '--kind', 'newest'], wharf.services);
    assert.equal(invalid.exitCode, 1);
    assert.match(invalid.output, /unknown retention kind "newest"/);
  });
});
