import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildImage } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { CATALOG_ENV, type CatalogFixture, imageSize, seedCatalog } from './catalog-fixtures.ts';
import { errorCode, graphql } from './graphql-client.ts';

const ADD_TAG = 'mutation($repository: String!, $reference: String!, $tag: String!) { addTag(repository: $repository, reference: $reference, tag: $tag) { digest tags { name immutable } } }';
const DELETE_TAG = 'mutation($repository: String!, $tag: String!) { deleteTag(repository: $repository, tag: $tag) }';
const REMOVE_TAG = 'mutation($repository: String!, $reference: String!, $tag: String!) { removeTag(repository: $repository, reference: $reference, tag: $tag) { tags { name } } }';
const DELETE_ARTIFACT = 'mutation($repository: String!, $digest: String!) { deleteArtifact(repository: $repository, digest: $digest) }';
const ADD_LABEL = 'mutation($repository: String!, $reference: String!, $label: String!, $color: String) { addLabel(repository: $repository, reference: $reference, label: $label, color: $color) { labels { name color } } }';
const REMOVE_LABEL = 'mutation($repository: String!, $reference: String!, $label: String!) { removeLabel(repository: $repository, reference: $reference, label: $label) { labels { name } } }';

describe('GraphQL catalog changes', () => {
  let wharf: TestWharf;
  let fixture: CatalogFixture;

  before(async () => {
    wharf = await startTestWharf(CATALOG_ENV);
    fixture = await seedCatalog(wharf);
  });
  after(async () => {
    await wharf.close();
  });

  test('addTag tags an existing artifact', async () => {
    const { secret } = fixture.images;
    const added = await graphql(wharf, ADD_TAG, { repository: 'secret/app', reference: 'v1', tag: 'stable' }, fixture.member);
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    assert.equal(added.data?.addTag.digest, secret.digest);
    assert.deepEqual(added.data?.addTag.tags.map((tag: { name: string }) => tag.name), ['stable', 'v1']);

    const pulled = await fixture.client.request('GET', '/v2/secret/app/manifests/stable', { headers: { accept: secret.mediaType } });
    assert.equal(pulled.status, 200);
    assert.equal(pulled.headers.get('docker-content-digest'), secret.digest);

    const again = await graphql(wharf, ADD_TAG, { repository: 'secret/app', reference: secret.digest, tag: 'stable' }, fixture.member);
    assert.equal(again.errors, undefined);
  });

  test('addTag refusals', async () => {
    const moved = await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v2', tag: 'v1' }, wharf.adminAuth);
    assert.equal(errorCode(moved), 'CONFLICT');
    const invalid = await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v2', tag: '-bad' }, wharf.adminAuth);
    assert.equal(errorCode(invalid), 'BAD_USER_INPUT');
    const anonymous = await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v2', tag: 'mine' });
    assert.equal(errorCode(anonymous), 'UNAUTHENTICATED');
    const outsiderPublic = await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v2', tag: 'mine' }, fixture.outsider);
    assert.equal(errorCode(outsiderPublic), 'FORBIDDEN');
    const outsiderPrivate = await graphql(wharf, ADD_TAG, { repository: 'secret/app', reference: 'v1', tag: 'mine' }, fixture.outsider);
    assert.equal(errorCode(outsiderPrivate), 'NOT_FOUND');
    const missing = await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v404', tag: 'mine' }, wharf.adminAuth);
    assert.equal(errorCode(missing), 'NOT_FOUND');
  });

  test('immutable tags resist changes', async () => {
    const secret = await wharf.services.projects.get('secret');
    await wharf.services.immutability.add(secret.id, { repositoryPattern: '**', tagPattern: 'locked-*' });
    const added = await graphql(wharf, ADD_TAG, { repository: 'secret/app', reference: 'v1', tag: 'locked-1' }, wharf.adminAuth);
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    const locked = (added.data?.addTag.tags as { name: string; immutable: boolean }[]).find((tag) => tag.name === 'locked-1');
    assert.equal(locked?.immutable, true);

    assert.equal(errorCode(await graphql(wharf, DELETE_TAG, { repository: 'secret/app', tag: 'locked-1' }, wharf.adminAuth)), 'FORBIDDEN');
    const remove = await graphql(wharf, REMOVE_TAG, { repository: 'secret/app', reference: 'v1', tag: 'locked-1' }, wharf.adminAuth);
    assert.equal(errorCode(remove), 'FORBIDDEN');
    const deleted = await graphql(wharf, DELETE_ARTIFACT, { repository: 'secret/app', digest: fixture.images.secret.digest }, wharf.adminAuth);
    assert.equal(errorCode(deleted), 'FORBIDDEN');
    const still = await graphql(wharf, '{ artifact(repository: "secret/app", reference: "locked-1") { digest } }', {}, fixture.member);
    assert.equal(still.data?.artifact.digest, fixture.images.secret.digest);
  });

  test('deleteTag and removeTag', async () => {
    await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v2', tag: 'old' }, wharf.adminAuth);
    await graphql(wharf, ADD_TAG, { repository: 'pub/app', reference: 'v2', tag: 'older' }, wharf.adminAuth);

    assert.equal(errorCode(await graphql(wharf, DELETE_TAG, { repository: 'secret/app', tag: 'stable' }, fixture.member)), 'FORBIDDEN');
    const deleted = await graphql(wharf, DELETE_TAG, { repository: 'pub/app', tag: 'old' }, wharf.adminAuth);
    assert.equal(deleted.data?.deleteTag, true);
    assert.equal(errorCode(await graphql(wharf, DELETE_TAG, { repository: 'pub/app', tag: 'old' }, wharf.adminAuth)), 'NOT_FOUND');

    const elsewhere = await graphql(wharf, REMOVE_TAG, { repository: 'pub/app', reference: 'v1', tag: 'older' }, wharf.adminAuth);
    assert.equal(errorCode(elsewhere), 'NOT_FOUND');
    const removed = await graphql(wharf, REMOVE_TAG, { repository: 'pub/app', reference: 'older', tag: 'older' }, wharf.adminAuth);
    assert.equal(removed.errors, undefined, JSON.stringify(removed.errors));
    assert.deepEqual(removed.data?.removeTag.tags, [{ name: 'v2' }]);
  });

  test('deleteArtifact releases quota', async () => {
    const image = buildImage({ layerCount: 2 });
    await fixture.client.pushImage('pub/scratch', image, 'temp');
    const usage = async () => (await wharf.services.quota.usage('pub')).used;
    const before = await usage();

    const denied = await graphql(wharf, DELETE_ARTIFACT, { repository: 'pub/scratch', digest: image.digest }, fixture.outsider);
    assert.equal(errorCode(denied), 'FORBIDDEN');
    const invalid = await graphql(wharf, DELETE_ARTIFACT, { repository: 'pub/scratch', digest: 'temp' }, wharf.adminAuth);
    assert.equal(errorCode(invalid), 'BAD_USER_INPUT');

    const deleted = await graphql(wharf, DELETE_ARTIFACT, { repository: 'pub/scratch', digest: image.digest }, wharf.adminAuth);
    assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors));
    assert.equal(await usage(), before - imageSize(image));
    const gone = await graphql(wharf, '{ artifact(repository: "pub/scratch", reference: "temp") { digest } }');
    assert.equal(errorCode(gone), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, DELETE_ARTIFACT, { repository: 'pub/scratch', digest: image.digest }, wharf.adminAuth)), 'NOT_FOUND');
  });

  test('labels attach and detach', async () => {
    const added = await graphql(wharf, ADD_LABEL, { repository: 'secret/app', reference: 'v1', label: 'approved', color: '#22aa44' }, fixture.member);
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    assert.deepEqual(added.data?.addLabel.labels, [{ name: 'approved', color: '#22aa44' }]);
    const second = await graphql(wharf, ADD_LABEL, { repository: 'secret/app', reference: 'v1', label: 'beta' }, fixture.member);
    assert.deepEqual(second.data?.addLabel.labels, [{ name: 'approved', color: '#22aa44' }, { name: 'beta', color: null }]);

    const badColor = await graphql(wharf, ADD_LABEL, { repository: 'secret/app', reference: 'v1', label: 'x', color: 'green' }, fixture.member);
    assert.equal(errorCode(badColor), 'BAD_USER_INPUT');
    const outsider = await graphql(wharf, ADD_LABEL, { repository: 'pub/app', reference: 'v1', label: 'mine' }, fixture.outsider);
    assert.equal(errorCode(outsider), 'FORBIDDEN');

    const removed = await graphql(wharf, REMOVE_LABEL, { repository: 'secret/app', reference: 'v1', label: 'beta' }, fixture.member);
    assert.deepEqual(removed.data?.removeLabel.labels, [{ name: 'approved' }]);
    const notAttached = await graphql(wharf, REMOVE_LABEL, { repository: 'secret/app', reference: 'v1', label: 'beta' }, fixture.member);
    assert.equal(errorCode(notAttached), 'NOT_FOUND');
  });

  test('deleteChartVersion needs chart:delete', async () => {
    const mutation = 'mutation { deleteChartVersion(project: "pub", name: "web", version: "1.1.0-rc.1") }';
    assert.equal(errorCode(await graphql(wharf, mutation, {}, fixture.outsider)), 'FORBIDDEN');
    const deleted = await graphql(wharf, mutation, {}, wharf.adminAuth);
    assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors));
    const chart = await graphql(wharf, '{ chart(project: "pub", name: "web") { versionCount versions { edges { node { version } } } } }');
    assert.equal(chart.data?.chart.versionCount, 1);
    assert.equal(errorCode(await graphql(wharf, mutation, {}, wharf.adminAuth)), 'NOT_FOUND');
  });

  test('scan summary reads scan tables', async () => {
    const prisma = wharf.services.db.prisma;
    const [scanned, queued] = await Promise.all(
      [fixture.images.pubV1.digest, fixture.images.pubV2.digest].map((digest) => prisma.artifact.findFirstOrThrow({ where: { digest }, select: { id: true } })),
    );
    const finishedAt = new Date('2026-01-02T03:04:05.000Z');
    await prisma.scanReport.create({
      data: {
        artifactId: scanned!.id, scanner: 'test', scannerVersion: '1', status: 'succeeded', critical: 1, high: 2, medium: 3, low: 4,
        negligible: 5, unknown: 6, total: 21, startedAt: finishedAt, finishedAt,
      },
    });
    await prisma.scanJob.create({ data: { artifactId: queued!.id, trigger: 'manual' } });

    const query = '{ artifacts(repository: "pub/app", kind: IMAGE) { edges { node { digest scan { status scannedAt critical high medium low other total } } } } }';
    const response = await graphql(wharf, query);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const byDigest = new Map(response.data?.artifacts.edges.map((edge: { node: { digest: string; scan: unknown } }) => [edge.node.digest, edge.node.scan]));
    assert.deepEqual(byDigest.get(fixture.images.pubV1.digest), {
      status: 'SUCCEEDED', scannedAt: finishedAt.toISOString(), critical: 1, high: 2, medium: 3, low: 4, other: 11, total: 21,
    });
    assert.deepEqual(byDigest.get(fixture.images.pubV2.digest), {
      status: 'PENDING', scannedAt: null, critical: null, high: null, medium: null, low: null, other: null, total: null,
    });
  });
});
