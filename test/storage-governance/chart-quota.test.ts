import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadChart } from '../../charts-repo/chart/load-chart.ts';
import { buildHelmManifest } from '../../charts-repo/oci/helm-manifest.ts';
import { blobKey } from '../../api/storage/paths.ts';
import { buildChart } from '../charts/support/build-chart.ts';
import { expectError, OCI_MANIFEST, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/helm/charts');
const SKIP_FIXTURES = existsSync(FIXTURES) ? false : `Helm fixtures not found at ${FIXTURES}`;

/** Builds a chart archive about `randomSize` bytes larger than a minimal one (random bytes do not compress). */
function chartWithPayload(name: string, version: string, randomSize: number): Buffer {
  return buildChart(name, version, { files: [{ path: `${name}/files/payload.bin`, content: randomBytes(randomSize) }] });
}

describe('chart quotas', () => {
  let wharf: TestWharf;
  let client: RegistryClient;

  const usageOf = async (project: string) => (await wharf.services.quota.usage(project)).used;
  const upload = (project: string, archive: Buffer, query = '') =>
    fetch(`${wharf.url}/api/chartrepo/${project}/charts${query}`, {
      method: 'POST',
      headers: { authorization: wharf.adminAuth, 'content-type': 'application/octet-stream' },
      body: archive,
    });
  const deleteVersion = (project: string, name: string, version: string) =>
    fetch(`${wharf.url}/api/chartrepo/${project}/charts/${name}/${version}`, { method: 'DELETE', headers: { authorization: wharf.adminAuth } });
  const listedVersions = async (project: string) => {
    const response = await fetch(`${wharf.url}/api/chartrepo/${project}/charts`, { headers: { authorization: wharf.adminAuth } });
    return (await response.json()) as Record<string, unknown[]>;
  };

  before(async () => {
    wharf = await startTestWharf({ WHARF_GC_INTERVAL: '0', WHARF_RETENTION_INTERVAL: '0' });
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  test('chart upload over quota is denied', async () => {
    await wharf.services.projects.create('chartcap', { public: false });
    await wharf.services.quota.setLimit('chartcap', 20 * 1024);
    const archive = chartWithPayload('big', '1.0.0', 30 * 1024);

    const response = await upload('chartcap', archive);
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: string };
    assert.match(body.error, /storage quota of project chartcap exceeded/);
    assert.match(body.error, /limit 20\.0 KiB, used 0 B, this push adds 30\.\d KiB/);

    assert.equal(await usageOf('chartcap'), 0);
    assert.deepEqual(await listedVersions('chartcap'), {});
    assert.equal((await client.request('HEAD', '/v2/chartcap/big/manifests/1.0.0')).status, 404);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('chart upload charges and delete releases', async () => {
    await wharf.services.projects.create('chartuse', { public: false });
    const archive = chartWithPayload('web', '1.0.0', 4096);

    assert.equal((await upload('chartuse', archive)).status, 201);
    const manifest = await client.request('GET', '/v2/chartuse/web/manifests/1.0.0', { headers: { accept: OCI_MANIFEST } });
    assert.equal(manifest.status, 200);
    const manifestBytes = Buffer.from(await manifest.arrayBuffer());
    const config = JSON.parse(manifestBytes.toString()) as { config: { size: number } };
    assert.equal(await usageOf('chartuse'), archive.length + config.config.size + manifestBytes.length);
    assert.deepEqual(await wharf.services.quota.verify(false), []);

    assert.equal((await deleteVersion('chartuse', 'web', '1.0.0')).status, 200);
    assert.equal(await usageOf('chartuse'), 0);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('chart without OCI name is counted', async () => {
    // Upper-case chart names are valid for Helm but not as OCI repositories, so only the catalog references the archive.
    await wharf.services.projects.create('chartonly', { public: false });
    const first = chartWithPayload('Tool', '1.0.0', 2048);
    const replacement = chartWithPayload('Tool', '1.0.0', 3000);

    assert.equal((await upload('chartonly', first)).status, 201);
    assert.equal(await usageOf('chartonly'), first.length);
    assert.equal((await upload('chartonly', replacement, '?force=true')).status, 201);
    assert.equal(await usageOf('chartonly'), replacement.length);
    assert.deepEqual(await wharf.services.quota.verify(false), []);

    const report = await wharf.services.gc.run({ dryRun: false, deleteUntagged: false, graceSeconds: 0, trigger: 'test' });
    assert.ok(await wharf.services.storage.stat(blobKey(sha256(replacement))), 'gc deleted the archive of a stored chart');
    assert.equal(report.bytesFreed >= first.length, true, 'gc kept the replaced archive');
    const download = await fetch(`${wharf.url}/chartrepo/chartonly/charts/Tool-1.0.0.tgz`, { headers: { authorization: wharf.adminAuth } });
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(replacement));

    assert.equal((await deleteVersion('chartonly', 'Tool', '1.0.0')).status, 200);
    assert.equal(await usageOf('chartonly'), 0);
  });

  test('provenance upload is charged', { skip: SKIP_FIXTURES }, async () => {
    await wharf.services.projects.create('signed', { public: false });
    const archive = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz'));
    const provenance = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    const addProvenance = () =>
      fetch(`${wharf.url}/api/chartrepo/signed/prov`, { method: 'POST', headers: { authorization: wharf.adminAuth }, body: provenance });
    const provenanceCounted = async () =>
      (await wharf.services.db.prisma.projectBlob.count({ where: { project: { name: 'signed' }, digest: sha256(provenance) } })) === 1;

    assert.equal((await upload('signed', archive)).status, 201);
    const usedBefore = await usageOf('signed');
    await wharf.services.quota.setLimit('signed', usedBefore + 10);

    const denied = await addProvenance();
    assert.equal(denied.status, 403);
    assert.match(((await denied.json()) as { error: string }).error, /storage quota of project signed exceeded/);
    assert.equal(await usageOf('signed'), usedBefore);
    assert.equal(await provenanceCounted(), false);
    const missing = await fetch(`${wharf.url}/chartrepo/signed/charts/signtest-0.1.0.tgz.prov`, { headers: { authorization: wharf.adminAuth } });
    assert.equal(missing.status, 404);

    await wharf.services.quota.setLimit('signed', -1);
    assert.equal((await addProvenance()).status, 201);
    assert.equal(await provenanceCounted(), true);
    assert.ok((await usageOf('signed')) >= usedBefore + provenance.length);
    assert.deepEqual(await wharf.services.quota.verify(false), []);

    assert.equal((await deleteVersion('signed', 'signtest', '0.1.0')).status, 200);
    assert.equal(await provenanceCounted(), false, 'deleting the version kept its provenance file counted');
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('chart pushed over OCI is charged', async () => {
    await wharf.services.projects.create('ocicharts', { public: false });
    const archive = chartWithPayload('api', '2.0.0', 8192);
    const chart = await loadChart(archive);
    const artifact = buildHelmManifest(chart.metadata, archive, undefined, '2024-05-06T07:08:09Z');
    await wharf.services.quota.setLimit('ocicharts', 4096);

    const location = await client.startUpload('ocicharts/api');
    location.searchParams.set('digest', sha256(archive));
    const denied = await client.request('PUT', location, { headers: { 'content-type': 'application/octet-stream' }, body: archive });
    const [error] = await expectError(denied, 403, 'DENIED');
    assert.match(error!.message, /limit 4\.0 KiB, used 0 B, this push adds 8\.\d KiB/);
    assert.equal(await usageOf('ocicharts'), 0);

    await wharf.services.quota.setLimit('ocicharts', -1);
    await client.pushBlob('ocicharts/api', archive);
    await client.pushBlob('ocicharts/api', artifact.config);
    await client.pushManifest('ocicharts/api', '2.0.0', artifact.manifest, OCI_MANIFEST);
    assert.equal(await usageOf('ocicharts'), archive.length + artifact.config.length + artifact.manifest.length);
    assert.ok((await listedVersions('ocicharts')).api, 'chart pushed over OCI is not in the catalog');

    assert.equal((await deleteVersion('ocicharts', 'api', '2.0.0')).status, 200);
    assert.equal(await usageOf('ocicharts'), 0);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });
});
