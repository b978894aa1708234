import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { blobKey } from '../../api/storage/paths.ts';
import { buildImage, expectStatus, OCI_MANIFEST, readBytes, RegistryClient, sha256 } from '../support/registry-client.ts';
import { USE_PGLITE } from '../support/database.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const PARALLEL = 8;

async function listKeys(wharf: TestWharf, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of wharf.services.storage.list(prefix)) keys.push(key);
  return keys;
}

describe('concurrent pushes', () => {
  const repository = 'library/race';
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  test('same blob pushed in parallel', async () => {
    const bytes = randomBytes(256 * 1024);
    const digest = sha256(bytes);
    const results = await Promise.allSettled(Array.from({ length: PARALLEL }, () => client.pushBlob(repository, bytes)));
    for (const result of results) assert.equal(result.status, 'fulfilled', result.status === 'rejected' ? String(result.reason) : '');

    const { prisma } = wharf.services.db;
    assert.equal(await prisma.blob.count({ where: { digest } }), 1);
    assert.equal(await prisma.repositoryBlob.count({ where: { digest } }), 1);
    assert.equal(await prisma.upload.count(), 0);
    assert.deepEqual(await wharf.services.storage.stat(blobKey(digest)), { size: bytes.length });
    assert.deepEqual(await listKeys(wharf, 'uploads'), []);

    const response = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await readBytes(response), bytes);
  });

  test('same blob in parallel chunks', async () => {
    const bytes = randomBytes(64 * 1024);
    const digest = sha256(bytes);
    const pushChunked = async () => {
      const location = await client.startUpload(repository);
      for (let start = 0; start < bytes.length; start += 16 * 1024) {
        const chunk = bytes.subarray(start, start + 16 * 1024);
        const patch = await client.request('PATCH', location, { headers: { 'content-range': `${start}-${start + chunk.length - 1}` }, body: chunk });
        await expectStatus(patch, 202, `PATCH at ${start}`);
      }
      location.searchParams.set('digest', digest);
      await expectStatus(await client.request('PUT', location), 201, 'PUT');
    };
    await Promise.all(Array.from({ length: PARALLEL }, pushChunked));

    assert.equal(await wharf.services.db.prisma.repositoryBlob.count({ where: { digest } }), 1);
    const response = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
    assert.deepEqual(await readBytes(response), bytes);
  });

  test('same manifest pushed in parallel', async () => {
    const image = buildImage({ layerCount: 2 });
    await client.pushBlob(repository, image.config);
    for (const layer of image.layers) await client.pushBlob(repository, layer);

    const responses = await Promise.all(Array.from({ length: PARALLEL }, () => client.putManifest(repository, 'latest', image.manifest, OCI_MANIFEST)));
    for (const response of responses) await expectStatus(response, 201, 'parallel manifest PUT');

    const { prisma } = wharf.services.db;
    const repositoryRow = await prisma.repository.findUniqueOrThrow({ where: { name: repository } });
    const artifacts = await prisma.artifact.findMany({ where: { repositoryId: repositoryRow.id, digest: image.digest } });
    assert.equal(artifacts.length, 1);
    assert.equal(await prisma.tag.count({ where: { repositoryId: repositoryRow.id, name: 'latest' } }), 1);
    assert.equal(await prisma.artifactReference.count({ where: { artifactId: artifacts[0]!.id } }), 3);

    const response = await client.request('GET', `/v2/${repository}/manifests/latest`);
    assert.equal(response.headers.get('docker-content-digest'), image.digest);
    assert.deepEqual(await readBytes(response), image.manifest);
  });

  test('one tag moved in parallel', async () => {
    const images = Array.from({ length: PARALLEL }, () => buildImage());
    for (const image of images) await client.pushImage(repository, image);

    const responses = await Promise.all(images.map((image) => client.putManifest(repository, 'contended', image.manifest, OCI_MANIFEST)));
    for (const response of responses) await expectStatus(response, 201, 'parallel tag move');

    const { prisma } = wharf.services.db;
    const repositoryRow = await prisma.repository.findUniqueOrThrow({ where: { name: repository } });
    assert.equal(await prisma.tag.count({ where: { repositoryId: repositoryRow.id, name: 'contended' } }), 1);
    const served = await client.request('GET', `/v2/${repository}/manifests/contended`);
    const digest = served.headers.get('docker-content-digest');
    assert.ok(images.some((image) => image.digest === digest));
    assert.equal(sha256(await readBytes(served)), digest);
  });
});

describe('two instances', { skip: USE_PGLITE ? 'two instances cannot share an embedded PGlite database' : false }, () => {
  const repository = 'library/shared';
  let first: TestWharf;
  let second: TestWharf;

  before(async () => {
    first = await startTestWharf();
    second = await startTestWharf({}, { shareWith: first });
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  test('upload continues on second instance', async () => {
    const one = new RegistryClient(first.url, first.adminAuth);
    const two = new RegistryClient(second.url, second.adminAuth);
    const bytes = randomBytes(3000);
    const digest = sha256(bytes);

    const started = await one.startUpload(repository);
    const patch = await one.request('PATCH', started, { headers: { 'content-range': '0-999' }, body: bytes.subarray(0, 1000) });
    assert.equal(patch.status, 202);

    const location = two.url(patch.headers.get('location')!);
    const status = await two.request('GET', location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-999');
    const repeated = await two.request('PATCH', location, { headers: { 'content-range': '0-999' }, body: bytes.subarray(0, 1000) });
    assert.equal(repeated.status, 416);
    const next = await two.request('PATCH', location, { headers: { 'content-range': '1000-1999' }, body: bytes.subarray(1000, 2000) });
    assert.equal(next.status, 202);
    assert.equal(next.headers.get('range'), '0-1999');

    const last = one.url(next.headers.get('location')!);
    last.searchParams.set('digest', digest);
    const put = await one.request('PUT', last, { headers: { 'content-range': '2000-2999' }, body: bytes.subarray(2000) });
    assert.equal(put.status, 201);

    for (const client of [one, two]) {
      const response = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await readBytes(response), bytes);
    }
  });

  test('manifest pushed on one is served by other', async () => {
    const one = new RegistryClient(first.url, first.adminAuth);
    const two = new RegistryClient(second.url, second.adminAuth);
    const image = buildImage();
    await one.pushImage(repository, image, 'v1');
    const response = await two.request('GET', `/v2/${repository}/manifests/v1`);
    assert.equal(response.status, 200);
    assert.deepEqual(await readBytes(response), image.manifest);
  });
});
