import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildImage, buildIndex, expectError, OCI_INDEX, OCI_MANIFEST, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

/** Deletes and pushes that would leave a tagged image impossible to pull. */
describe('reference safety', () => {
  const repository = 'library/safety';
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  test('index child cannot be deleted', async () => {
    const child = buildImage();
    await client.pushImage(repository, child, 'child');
    const index = buildIndex([child.descriptor]);
    await client.pushManifest(repository, 'multi', index, OCI_INDEX);

    const errors = await expectError(await client.request('DELETE', `/v2/${repository}/manifests/${child.digest}`), 405, 'UNSUPPORTED');
    assert.match(errors[0]!.message, /delete the index first/);
    assert.equal((await client.request('GET', `/v2/${repository}/manifests/${child.digest}`)).status, 200);

    assert.equal((await client.request('DELETE', `/v2/${repository}/manifests/${sha256(index)}`)).status, 202);
    assert.equal((await client.request('DELETE', `/v2/${repository}/manifests/${child.digest}`)).status, 202);
  });

  test('untagging an index child works', async () => {
    const child = buildImage();
    await client.pushImage(repository, child, 'child-tag');
    await client.pushManifest(repository, 'multi-tag', buildIndex([child.descriptor]), OCI_INDEX);

    assert.equal((await client.request('DELETE', `/v2/${repository}/manifests/child-tag`)).status, 202);
    assert.equal((await client.request('GET', `/v2/${repository}/manifests/${child.digest}`)).status, 200);
  });

  test('blob of a manifest cannot be deleted', async () => {
    const image = buildImage();
    await client.pushImage(repository, image, 'layered');
    const layer = sha256(image.layers[0]!);

    await expectError(await client.request('DELETE', `/v2/${repository}/blobs/${layer}`), 405, 'UNSUPPORTED');
    assert.equal((await client.request('GET', `/v2/${repository}/blobs/${layer}`)).status, 200);

    // Deleting the manifest unlinks the blobs nothing else in the repository uses.
    assert.equal((await client.request('DELETE', `/v2/${repository}/manifests/${image.digest}`)).status, 202);
    await expectError(await client.request('DELETE', `/v2/${repository}/blobs/${layer}`), 404, 'BLOB_UNKNOWN');
  });

  test('wrong layer size is rejected', async () => {
    const image = buildImage();
    await client.pushImage(repository, image, 'sized');
    const body = JSON.parse(image.manifest.toString());
    body.layers[0].size += 1;

    const response = await client.putManifest(repository, 'wrong-size', Buffer.from(JSON.stringify(body)), OCI_MANIFEST);
    const errors = await expectError(response, 400, 'MANIFEST_INVALID');
    assert.match(errors[0]!.message, /gives size \d+, but the stored content is \d+ bytes/);
    await expectError(await client.request('GET', `/v2/${repository}/manifests/wrong-size`), 404, 'MANIFEST_UNKNOWN');
  });

  test('wrong config size is rejected', async () => {
    const image = buildImage();
    await client.pushImage(repository, image, 'config-sized');
    const body = JSON.parse(image.manifest.toString());
    body.config.size = 5;

    await expectError(await client.putManifest(repository, 'wrong-config', Buffer.from(JSON.stringify(body)), OCI_MANIFEST), 400, 'MANIFEST_INVALID');
  });

  test('wrong child size is rejected', async () => {
    const child = buildImage();
    await client.pushImage(repository, child, 'sized-child');
    const index = buildIndex([{ ...child.descriptor, size: child.descriptor.size + 3 }]);

    await expectError(await client.putManifest(repository, 'wrong-index', index, OCI_INDEX), 400, 'MANIFEST_INVALID');
  });
});
