import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_CONFIG_BYTES } from '../../api/catalog/config-document.ts';
import { blobKey } from '../../api/storage/paths.ts';
import { buildImage, buildIndex, RegistryClient, sha256, type TestImage } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basic, errorCode, graphql } from './graphql-client.ts';

const DOCUMENTS = `query($repository: String!, $reference: String!) {
  artifact(repository: $repository, reference: $reference) {
    manifest configJson history { created createdBy comment emptyLayer }
  }
}`;

/** Builds a config with a build history, indented so that re-serialising would change its bytes. */
function configWithHistory(): Buffer {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [] },
    history: [
      { created: '2026-01-02T03:04:05Z', created_by: '/bin/sh -c #(nop) ADD file:abc in /', comment: 'base layer' },
      { created: '2026-01-02T03:04:06Z', created_by: 'ENV PATH=/usr/bin', empty_layer: true },
      'not an entry',
      { created_by: 'RUN <script>alert(1)</script>' },
    ],
  };
  return Buffer.from(JSON.stringify(config, null, 3));
}

describe('GraphQL artifact manifest and config', () => {
  let wharf: TestWharf;
  let client: RegistryClient;
  let member: string;
  const images: Record<string, TestImage> = {};

  const documents = async (repository: string, reference: string, authorization?: string) => {
    const response = await graphql(wharf, DOCUMENTS, { repository, reference }, authorization);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data?.artifact as { manifest: string | null; configJson: string | null; history: unknown[] | null };
  };

  before(async () => {
    wharf = await startTestWharf();
    await wharf.services.projects.create('pub', { public: true });
    const secret = await wharf.services.projects.create('secret', { public: false });
    const user = await wharf.services.users.create({ username: 'member', password: 'member-password' });
    await wharf.services.members.add(secret.id, user.id, 'limitedGuest');
    member = basic('member', 'member-password');
    client = new RegistryClient(wharf.url, wharf.adminAuth);

    images.history = buildImage({ config: configWithHistory(), layerCount: 2 });
    images.plain = buildImage();
    images.binary = buildImage({ configMediaType: 'application/vnd.example.config.v1.tar', config: Buffer.from([0, 1, 2, 3]) });
    const padding = 'x'.repeat(MAX_CONFIG_BYTES);
    images.large = buildImage({ config: Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', padding })) });
    images.missing = buildImage();
    for (const [tag, image] of Object.entries(images)) await client.pushImage('pub/app', image, tag);
    await client.pushImage('secret/app', images.history, 'v1');
  });
  after(async () => {
    await wharf.close();
  });

  test('manifest, config and history', async () => {
    const artifact = await documents('pub/app', 'history');
    assert.equal(artifact.manifest, images.history!.manifest.toString('utf8'));
    assert.equal(sha256(Buffer.from(artifact.manifest!, 'utf8')), images.history!.digest);
    assert.equal(artifact.configJson, configWithHistory().toString('utf8'));
    assert.deepEqual(artifact.history, [
      { created: '2026-01-02T03:04:05Z', createdBy: '/bin/sh -c #(nop) ADD file:abc in /', comment: 'base layer', emptyLayer: false },
      { created: '2026-01-02T03:04:06Z', createdBy: 'ENV PATH=/usr/bin', comment: null, emptyLayer: true },
      { created: null, createdBy: 'RUN <script>alert(1)</script>', comment: null, emptyLayer: false },
    ]);
  });

  test('config without history', async () => {
    const artifact = await documents('pub/app', 'plain');
    assert.equal(artifact.configJson, images.plain!.config.toString('utf8'));
    assert.deepEqual(artifact.history, []);
  });

  test('non-JSON and large configs', async () => {
    for (const tag of ['binary', 'large']) {
      const artifact = await documents('pub/app', tag);
      assert.equal(artifact.manifest, images[tag]!.manifest.toString('utf8'), tag);
      assert.equal(artifact.configJson, null, tag);
      assert.equal(artifact.history, null, tag);
    }
  });

  test('config missing from storage', async () => {
    const configDigest = sha256(images.missing!.config);
    assert.equal(await wharf.services.storage.delete(blobKey(configDigest)), true);

    const artifact = await documents('pub/app', 'missing');
    assert.equal(artifact.configJson, null);
    assert.equal(artifact.history, null);
  });

  test('index has manifest only', async () => {
    const index = buildIndex([images.plain!.descriptor]);
    await client.pushManifest('pub/app', 'index', index, 'application/vnd.oci.image.index.v1+json');

    const artifact = await documents('pub/app', 'index');
    assert.equal(artifact.manifest, index.toString('utf8'));
    assert.equal(artifact.configJson, null);
    assert.equal(artifact.history, null);
  });

  test('private documents need access', async () => {
    await wharf.services.users.create({ username: 'outsider', password: 'outsider-password' });
    for (const caller of [undefined, basic('outsider', 'outsider-password')]) {
      const response = await graphql(wharf, DOCUMENTS, { repository: 'secret/app', reference: 'v1' }, caller);
      assert.equal(errorCode(response), 'NOT_FOUND');
      assert.equal(response.data, null);
    }

    const artifact = await documents('secret/app', 'v1', member);
    assert.equal(artifact.manifest, images.history!.manifest.toString('utf8'));
    assert.equal(artifact.configJson, configWithHistory().toString('utf8'));
  });

  test('artifact list reads documents', async () => {
    const query = '{ artifacts(repository: "pub/app", first: 20) { edges { node { digest manifest configJson history { createdBy } } } } }';
    const response = await graphql(wharf, query);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const nodes = response.data?.artifacts.edges.map((edge: { node: Record<string, unknown> }) => edge.node) as Record<string, unknown>[];
    const byDigest = new Map(nodes.map((node) => [node.digest, node]));
    assert.equal(nodes.length, 6);
    for (const image of Object.values(images)) {
      assert.equal(byDigest.get(image.digest)?.manifest, image.manifest.toString('utf8'));
    }
    assert.equal(byDigest.get(images.history!.digest)?.configJson, configWithHistory().toString('utf8'));
    assert.equal((byDigest.get(images.history!.digest)?.history as unknown[]).length, 3);
  });
});
