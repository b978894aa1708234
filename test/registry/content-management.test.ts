import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { uploadKey } from '../../api/storage/paths.ts';
import { buildImage, expectError, OCI_MANIFEST, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

interface TagList {
  name: string;
  tags: string[];
}

describe('content management', () => {
  const repository = 'library/manage';
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  async function tags(): Promise<string[]> {
    return (await client.getJson<TagList>(`/v2/${repository}/tags/list`)).tags;
  }

  test('delete tag keeps manifest', async () => {
    const image = buildImage();
    await client.pushImage(repository, image, 'untag-me');
    await client.pushManifest(repository, 'keep-me', image.manifest, OCI_MANIFEST);

    const response = await client.request('DELETE', `/v2/${repository}/manifests/untag-me`);
    assert.equal(response.status, 202);
    assert.equal(response.headers.get('content-length'), '0');
    await expectError(await client.request('GET', `/v2/${repository}/manifests/untag-me`), 404, 'MANIFEST_UNKNOWN');
    assert.equal((await client.request('HEAD', `/v2/${repository}/manifests/${image.digest}`)).status, 200);
    assert.equal((await client.request('HEAD', `/v2/${repository}/manifests/keep-me`)).status, 200);
    assert.ok(!(await tags()).includes('untag-me'));
  });

  test('delete by digest removes its tags', async () => {
    const image = buildImage();
    const other = buildImage();
    await client.pushImage(repository, image, 'tagtest0');
    await client.pushManifest(repository, 'tagtest1', image.manifest, OCI_MANIFEST);
    await client.pushImage(repository, other, 'other');
    const before = await tags();

    const response = await client.request('DELETE', `/v2/${repository}/manifests/${image.digest}`);
    assert.equal(response.status, 202);
    await expectError(await client.request('GET', `/v2/${repository}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    await expectError(await client.request('GET', `/v2/${repository}/manifests/tagtest0`), 404, 'MANIFEST_UNKNOWN');
    const after = await tags();
    assert.deepEqual(after, before.filter((tag) => tag !== 'tagtest0' && tag !== 'tagtest1'));
    assert.ok(after.includes('other'));
  });

  test('delete unknown manifest', async () => {
    await expectError(await client.request('DELETE', `/v2/${repository}/manifests/no-such-tag`), 404, 'MANIFEST_UNKNOWN');
    await expectError(await client.request('DELETE', `/v2/${repository}/manifests/${sha256('absent')}`), 404, 'MANIFEST_UNKNOWN');
    await expectError(await client.request('DELETE', `/v2/library/never/manifests/latest`), 404, 'MANIFEST_UNKNOWN');
    await expectError(await client.request('DELETE', `/v2/${repository}/manifests/sha256:short`), 400, 'DIGEST_INVALID');
  });

  test('delete blob', async () => {
    const bytes = randomBytes(64);
    const digest = await client.pushBlob(repository, bytes);
    await client.pushBlob('library/keeps-blob', bytes);

    const response = await client.request('DELETE', `/v2/${repository}/blobs/${digest}`);
    assert.equal(response.status, 202);
    assert.equal(response.headers.get('content-length'), '0');
    await expectError(await client.request('GET', `/v2/${repository}/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
    assert.equal((await client.request('HEAD', `/v2/${repository}/blobs/${digest}`)).status, 404);
    await expectError(await client.request('DELETE', `/v2/${repository}/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
    assert.equal((await client.request('GET', `/v2/library/keeps-blob/blobs/${digest}`)).status, 200);
  });

  test('delete blob in unknown repository', async () => {
    await expectError(await client.request('DELETE', `/v2/library/never/blobs/${sha256('x')}`), 404, 'BLOB_UNKNOWN');
    await expectError(await client.request('DELETE', `/v2/${repository}/blobs/sha256:nope`), 400, 'DIGEST_INVALID');
  });

  test('anonymous delete is unauthorized', async () => {
    const image = buildImage();
    await client.pushImage(repository, image, 'protected');
    const anonymous = new RegistryClient(wharf.url);
    const response = await anonymous.request('DELETE', `/v2/${repository}/manifests/protected`);
    await expectError(response, 401, 'UNAUTHORIZED');
    assert.match(response.headers.get('www-authenticate') ?? '', /scope="repository:library\/manage:delete"/);
    assert.equal((await client.request('HEAD', `/v2/${repository}/manifests/protected`)).status, 200);
  });

  test('upload expiry removes stale sessions', async () => {
    const { services } = wharf;
    const stale = await client.startUpload(repository);
    const fresh = await client.startUpload(repository);
    for (const location of [stale, fresh]) {
      assert.equal((await client.request('PATCH', location, { body: randomBytes(10) })).status, 202);
    }
    const staleId = stale.pathname.split('/').at(-1)!;
    const freshId = fresh.pathname.split('/').at(-1)!;
    await services.db.prisma.upload.update({ where: { id: staleId }, data: { updatedAt: new Date(Date.now() - 2 * 3600 * 1000) } });

    const removed = await services.uploads.expire(3600);
    assert.equal(removed, 1);
    await expectError(await client.request('GET', stale), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectError(await client.request('PATCH', stale, { body: 'more' }), 404, 'BLOB_UPLOAD_UNKNOWN');
    assert.equal(await services.storage.stat(uploadKey(staleId)), undefined);

    const status = await client.request('GET', fresh);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-9');
    assert.deepEqual(await services.storage.stat(uploadKey(freshId)), { size: 10 });
  });

  test('upload activity delays expiry', async () => {
    const { services } = wharf;
    const location = await client.startUpload(repository);
    const id = location.pathname.split('/').at(-1)!;
    await services.db.prisma.upload.update({ where: { id }, data: { updatedAt: new Date(Date.now() - 2 * 3600 * 1000) } });
    assert.equal((await client.request('PATCH', location, { body: randomBytes(10) })).status, 202);

    assert.equal(await services.uploads.expire(3600), 0);
    assert.equal((await client.request('GET', location)).status, 204);
  });
});
