import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  buildImage,
  buildIndex,
  descriptorOf,
  DOCKER_MANIFEST_LIST,
  expectError,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  readBytes,
  RegistryClient,
  sha256,
} from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

describe('manifest push', () => {
  const repository = 'library/manifests';
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  async function expectManifest(reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const response = await client.request('GET', `/v2/${repository}/manifests/${reference}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), mediaType);
    assert.equal(response.headers.get('docker-content-digest'), sha256(bytes));
    assert.deepEqual(await readBytes(response), bytes);
  }

  async function tagsOf(name: string): Promise<string[]> {
    return (await client.getJson<{ tags: string[] }>(`/v2/${name}/tags/list`)).tags;
  }

  test('PUT by tag', async () => {
    const image = buildImage();
    const response = await client.pushImage(repository, image, 'v1');
    assert.equal(response.headers.get('location'), `/v2/${repository}/manifests/${image.digest}`);
    assert.equal(response.headers.get('docker-content-digest'), image.digest);
    assert.equal(response.headers.get('content-length'), '0');
    assert.equal(response.headers.get('oci-subject'), null);
    await expectManifest('v1', image.manifest, OCI_MANIFEST);
    await expectManifest(image.digest, image.manifest, OCI_MANIFEST);
  });

  test('PUT by digest adds no tag', async () => {
    const image = buildImage();
    const response = await client.pushImage(repository, image);
    assert.equal(response.headers.get('location'), `/v2/${repository}/manifests/${image.digest}`);
    assert.equal(response.headers.get('docker-content-digest'), image.digest);
    await expectManifest(image.digest, image.manifest, OCI_MANIFEST);
    assert.ok(!(await tagsOf(repository)).includes(image.digest));
  });

  test('PUT moves an existing tag', async () => {
    const first = buildImage();
    const second = buildImage();
    await client.pushImage(repository, first, 'moving');
    await client.pushImage(repository, second, 'moving');
    await expectManifest('moving', second.manifest, OCI_MANIFEST);
    await expectManifest(first.digest, first.manifest, OCI_MANIFEST);
  });

  test('PUT by wrong digest', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    const wrong = sha256('not the manifest');
    const response = await client.putManifest(repository, wrong, image.manifest, OCI_MANIFEST);
    await expectError(response, 400, 'DIGEST_INVALID');
    assert.equal((await client.request('HEAD', `/v2/${repository}/manifests/${image.digest}`)).status, 404);
  });

  test('PUT by malformed digest', async () => {
    const image = buildImage();
    const response = await client.putManifest(repository, 'sha256:baddigeststring', image.manifest, OCI_MANIFEST);
    await expectError(response, 400, 'DIGEST_INVALID');
  });

  test('PUT with invalid tag', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    for (const tag of ['.INVALID_MANIFEST_NAME', '-dash', 'a'.repeat(129)]) {
      const response = await client.putManifest(repository, tag, image.manifest, OCI_MANIFEST);
      await expectError(response, 400, 'TAG_INVALID');
    }
  });

  test('manifest without mediaType uses Content-Type', async () => {
    const image = buildImage({ omitMediaType: true, layerCount: 0 });
    assert.ok(!JSON.parse(image.manifest.toString()).mediaType);
    await client.pushImage(repository, image, 'emptylayer');
    await expectManifest('emptylayer', image.manifest, OCI_MANIFEST);
  });

  test('manifest without any type is inferred', async () => {
    const image = buildImage({ omitMediaType: true });
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    const response = await client.putManifest(repository, 'inferred', image.manifest);
    assert.equal(response.status, 201);
    await expectManifest('inferred', image.manifest, OCI_MANIFEST);
  });

  test('unknown fields kept byte for byte', async () => {
    const config = Buffer.from(JSON.stringify({ author: randomBytes(8).toString('hex'), architecture: 'amd64', os: 'linux' }));
    const layer = randomBytes(168);
    await client.pushBlob(repository, config);
    await client.pushBlob(repository, layer);
    const text = [
      '{',
      '\t"schemaVersion": 2,',
      `\t"mediaType": "${OCI_MANIFEST}",`,
      `\t"config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "${sha256(config)}", "size": ${config.length},`,
      `\t\t"data": "${config.toString('base64')}", "newUnspecifiedField": "aGVsbG8gd29ybGQ="},`,
      `\t"layers": [{"mediaType": "${OCI_LAYER}", "size": ${layer.length}, "digest": "${sha256(layer)}", "newUnspecifiedField": null}],`,
      '\t"unknownTopLevel": {"nested": [1, 2.50, "\\u00e9"]}',
      '}  ',
    ].join('\r\n');
    const bytes = Buffer.from(text);
    const response = await client.pushManifest(repository, 'unknown-fields', bytes, OCI_MANIFEST);
    assert.equal(response.headers.get('docker-content-digest'), sha256(bytes));
    await expectManifest('unknown-fields', bytes, OCI_MANIFEST);
  });

  test('missing layer is MANIFEST_BLOB_UNKNOWN', async () => {
    const image = buildImage({ layerCount: 2 });
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    const response = await client.putManifest(repository, 'missing-layer', image.manifest, OCI_MANIFEST);
    const [error] = await expectError(response, 400, 'MANIFEST_BLOB_UNKNOWN');
    assert.match(JSON.stringify(error?.detail), new RegExp(sha256(image.layers[1]!)));
    assert.equal((await client.request('HEAD', `/v2/${repository}/manifests/missing-layer`)).status, 404);
  });

  test('missing config is MANIFEST_BLOB_UNKNOWN', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.layers[0]!);
    const response = await client.putManifest(repository, 'missing-config', image.manifest, OCI_MANIFEST);
    const [error] = await expectError(response, 400, 'MANIFEST_BLOB_UNKNOWN');
    assert.match(JSON.stringify(error?.detail), new RegExp(sha256(image.config)));
  });

  test('blob of other repository is unknown', async () => {
    const image = buildImage();
    await client.pushBlob('library/elsewhere', image.config);
    await client.pushBlob('library/elsewhere', image.layers[0]!);
    const response = await client.putManifest(repository, image.digest, image.manifest, OCI_MANIFEST);
    await expectError(response, 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  test('non-distributable layer need not exist', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.config);
    const foreign = { mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', digest: sha256('foreign'), size: 7 };
    const body = { ...JSON.parse(image.manifest.toString()), layers: [foreign] };
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await client.putManifest(repository, sha256(bytes), bytes, OCI_MANIFEST);
    assert.equal(response.status, 201);
  });

  test('OCI index with children', async () => {
    const amd64 = buildImage();
    const arm64 = buildImage();
    await client.pushImage(repository, amd64);
    await client.pushImage(repository, arm64);
    const index = buildIndex([amd64.descriptor, arm64.descriptor]);
    const response = await client.pushManifest(repository, 'multi', index, OCI_INDEX);
    assert.equal(response.headers.get('docker-content-digest'), sha256(index));
    await expectManifest('multi', index, OCI_INDEX);
  });

  test('OCI index with missing child', async () => {
    const present = buildImage();
    const absent = buildImage();
    await client.pushImage(repository, present);
    const index = buildIndex([present.descriptor, absent.descriptor]);
    const response = await client.putManifest(repository, 'sparse', index, OCI_INDEX);
    const [error] = await expectError(response, 400, 'MANIFEST_BLOB_UNKNOWN');
    assert.match(JSON.stringify(error?.detail), new RegExp(absent.digest));
    assert.doesNotMatch(JSON.stringify(error?.detail), new RegExp(present.digest));
  });

  test('empty OCI index', async () => {
    const index = buildIndex([]);
    await client.pushManifest(repository, 'empty-index', index, OCI_INDEX);
    await expectManifest('empty-index', index, OCI_INDEX);
  });

  test('docker schema 2 and manifest list', async () => {
    const image = buildImage({ format: 'docker' });
    await client.pushImage(repository, image, 'docker-image');
    await expectManifest('docker-image', image.manifest, image.mediaType);
    const list = buildIndex([image.descriptor], { format: 'docker' });
    await client.pushManifest(repository, 'docker-list', list, DOCKER_MANIFEST_LIST);
    await expectManifest('docker-list', list, DOCKER_MANIFEST_LIST);
  });

  test('schema 1 is rejected', async () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 1, name: repository, tag: 'old', architecture: 'amd64', fsLayers: [], history: [] }));
    for (const type of ['application/vnd.docker.distribution.manifest.v1+prettyjws', 'application/vnd.docker.distribution.manifest.v1+json', undefined]) {
      const response = await client.putManifest(repository, 'schema1', body, type);
      const [error] = await expectError(response, 400, 'MANIFEST_INVALID');
      assert.match(error?.message ?? '', /schema 1/);
    }
  });

  test('malformed manifests are MANIFEST_INVALID', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    const parsed = JSON.parse(image.manifest.toString());
    const cases: [string, Buffer, string][] = [
      ['not JSON', Buffer.from('{"schemaVersion": 2,'), OCI_MANIFEST],
      ['array', Buffer.from('[]'), OCI_MANIFEST],
      ['schemaVersion 3', Buffer.from(JSON.stringify({ ...parsed, schemaVersion: 3 })), OCI_MANIFEST],
      ['type mismatch', image.manifest, OCI_INDEX],
      ['layers not array', Buffer.from(JSON.stringify({ ...parsed, layers: {} })), OCI_MANIFEST],
      ['bad layer digest', Buffer.from(JSON.stringify({ ...parsed, layers: [{ mediaType: OCI_LAYER, digest: 'nope', size: 1 }] })), OCI_MANIFEST],
      ['negative size', Buffer.from(JSON.stringify({ ...parsed, config: { ...parsed.config, size: -1 } })), OCI_MANIFEST],
      ['artifact manifest', Buffer.from(JSON.stringify({ ...parsed, mediaType: 'application/vnd.oci.artifact.manifest.v1+json' })), 'application/vnd.oci.artifact.manifest.v1+json'],
    ];
    for (const [name, bytes, type] of cases) {
      const response = await client.putManifest(repository, 'malformed', bytes, type);
      const [error] = await expectError(response, 400, 'MANIFEST_INVALID');
      assert.ok(error?.message, name);
    }
  });

  test('manifest over 4 MiB is 413', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    const parsed = JSON.parse(image.manifest.toString());
    const bytes = Buffer.from(JSON.stringify({ ...parsed, annotations: { padding: 'x'.repeat(MAX_MANIFEST_BYTES) } }));
    const response = await client.putManifest(repository, 'huge', bytes, OCI_MANIFEST);
    const [error] = await expectError(response, 413, 'MANIFEST_INVALID');
    assert.match(error?.message ?? '', /4194304/);
    assert.equal((await client.request('HEAD', `/v2/${repository}/manifests/huge`)).status, 404);
  });

  test('manifest near 4 MiB is accepted', async () => {
    const image = buildImage();
    await client.pushBlob(repository, image.config);
    await client.pushBlob(repository, image.layers[0]!);
    const parsed = JSON.parse(image.manifest.toString());
    const annotations = Object.fromEntries(Array.from({ length: 390 }, (_, index) => [`key.${index}`, 'v'.repeat(10_000)]));
    const bytes = Buffer.from(JSON.stringify({ ...parsed, annotations }));
    assert.ok(bytes.length > 3_900_000 && bytes.length < MAX_MANIFEST_BYTES);
    await client.pushManifest(repository, 'large', bytes, OCI_MANIFEST);
    await expectManifest('large', bytes, OCI_MANIFEST);
  });

  test('artifact with missing subject', async () => {
    const subject = buildImage();
    const empty = Buffer.from('{}');
    const payload = randomBytes(33);
    await client.pushBlob(repository, empty);
    await client.pushBlob(repository, payload);
    const body = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom',
      config: descriptorOf(OCI_EMPTY, empty),
      layers: [descriptorOf('application/vnd.example.sbom.layer', payload)],
      subject: subject.descriptor,
    };
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await client.pushManifest(repository, sha256(bytes), bytes, OCI_MANIFEST);
    assert.equal(response.headers.get('oci-subject'), subject.digest);
    await expectManifest(sha256(bytes), bytes, OCI_MANIFEST);
  });
});
