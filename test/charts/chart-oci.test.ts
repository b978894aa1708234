import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadChart } from '../../charts-repo/chart/load-chart.ts';
import { buildHelmManifest, HELM_CHART_LAYER_MEDIA_TYPE } from '../../charts-repo/oci/helm-manifest.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildArchive, buildChart } from './support/build-chart.ts';
import { loadWharfIndex } from './support/helm-index-rules.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/helm/charts');
const SKIP_FIXTURES = existsSync(FIXTURES) ? false : `Helm fixtures not found at ${FIXTURES}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

describe('charts over OCI', () => {
  let wharf: TestWharf;
  const headers = () => ({ authorization: wharf.adminAuth });

  /** Pushes a blob as oras-go does: POST for a session, then a monolithic PUT with the digest. */
  async function pushBlob(repository: string, bytes: Buffer): Promise<void> {
    const start = await fetch(`${wharf.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers() });
    assert.equal(start.status, 202);
    const location = new URL(start.headers.get('location')!, wharf.url);
    location.searchParams.set('digest', digestOf(bytes));
    const put = await fetch(location, { method: 'PUT', headers: { ...headers(), 'content-type': 'application/octet-stream' }, body: bytes });
    assert.equal(put.status, 201, await put.text());
  }

  /** Pushes a chart exactly as `helm push` does: chart layer, config, then the manifest without mediaType. */
  async function helmPush(project: string, archive: Buffer, provenance?: Buffer): Promise<{ response: Response; manifest: Buffer }> {
    const chart = await loadChart(archive);
    const repository = `${project}/${chart.metadata.name}`;
    const artifact = buildHelmManifest(chart.metadata, archive, provenance, '2024-05-06T07:08:09Z');
    await pushBlob(repository, archive);
    await pushBlob(repository, artifact.config);
    if (provenance) await pushBlob(repository, provenance);
    const tag = chart.metadata.version.replaceAll('+', '_');
    const response = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { ...headers(), 'content-type': OCI_MANIFEST },
      body: artifact.manifest,
    });
    return { response, manifest: artifact.manifest };
  }

  before(async () => {
    wharf = await startTestWharf();
  });
  after(async () => {
    await wharf.close();
  });

  test('manifest matches helm golden vector', { skip: SKIP_FIXTURES }, async () => {
    // Helm's pkg/registry test pushes signtest-0.1.0 with its .prov at 1977-09-02T22:04:05Z and expects these digests.
    const chart = await loadChart(readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz')));
    const artifact = buildHelmManifest(chart.metadata, chart.archive, readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov')), '1977-09-02T22:04:05Z');
    assert.equal(artifact.config.length, 99);
    assert.equal(artifact.configDescriptor.digest, 'sha256:8d17cb6bf6ccd8c29aace9a658495cbd5e2e87fc267876e86117c7db681c9580');
    assert.equal(artifact.manifest.length, 742);
    assert.equal(artifact.manifestDigest, 'sha256:fbbade96da6050f68f94f122881e3b80051a18f13ab5f4081868dd494538f5c2');
  });

  test('pushed chart appears in index', async () => {
    const archive = buildChart('pushed', '1.2.3+build.5', { chartYaml: 'apiVersion: v2\nname: pushed\nversion: 1.2.3+build.5\nappVersion: "2.0"\n' });
    const { response, manifest } = await helmPush('library', archive);
    assert.equal(response.status, 201, await response.text());
    assert.equal(response.headers.get('docker-content-digest'), digestOf(manifest));

    const index = loadWharfIndex(Buffer.from(await (await fetch(`${wharf.url}/chartrepo/library/index.yaml`)).arrayBuffer()));
    const entry = index.entries.pushed?.[0];
    assert.ok(entry, 'the pushed chart is not in index.yaml');
    assert.equal(entry.version, '1.2.3+build.5');
    assert.equal(entry.appVersion, '2.0');
    assert.equal(entry.digest, digestOf(archive).slice(7));
    assert.deepEqual(entry.urls, ['charts/pushed-1.2.3%2Bbuild.5.tgz']);

    const download = await fetch(`${wharf.url}/chartrepo/library/charts/pushed-1.2.3%2Bbuild.5.tgz`);
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(archive));
  });

  test('invalid chart layer is rejected', async () => {
    const archive = buildArchive([{ path: 'broken/Chart.yaml', content: 'apiVersion: v2\nname: broken\nversion: not-semver\n' }]);
    const repository = 'library/broken';
    const config = Buffer.from('{"name":"broken","version":"not-semver","apiVersion":"v2"}');
    await pushBlob(repository, archive);
    await pushBlob(repository, config);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: HELM_CHART_LAYER_MEDIA_TYPE, digest: digestOf(archive), size: archive.length }],
    }));
    const response = await fetch(`${wharf.url}/v2/${repository}/manifests/1.0.0`, { method: 'PUT', headers: { ...headers(), 'content-type': OCI_MANIFEST }, body: manifest });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, 'MANIFEST_INVALID');
    assert.match(body.errors[0]!.message, /not a SemVer 2/);
  });

  test('tag must match chart version', async () => {
    const archive = buildChart('tagged', '1.0.0');
    const chart = await loadChart(archive);
    const artifact = buildHelmManifest(chart.metadata, archive, undefined, '2024-05-06T07:08:09Z');
    await pushBlob('library/tagged', archive);
    await pushBlob('library/tagged', artifact.config);
    const response = await fetch(`${wharf.url}/v2/library/tagged/manifests/latest`, { method: 'PUT', headers: { ...headers(), 'content-type': OCI_MANIFEST }, body: artifact.manifest });
    assert.equal(response.status, 400);
  });

  test('uploaded chart pulls over OCI', { skip: SKIP_FIXTURES }, async () => {
    const archive = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz'));
    const provenance = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    const form = new FormData();
    form.append('chart', new Blob([new Uint8Array(archive)]), 'signtest-0.1.0.tgz');
    form.append('prov', new Blob([new Uint8Array(provenance)]), 'signtest-0.1.0.tgz.prov');
    const upload = await fetch(`${wharf.url}/api/chartrepo/library/charts`, { method: 'POST', headers: headers(), body: form });
    assert.equal(upload.status, 201, await upload.text());

    // What `helm pull oci://host/library/signtest --version 0.1.0` requests.
    const manifestResponse = await fetch(`${wharf.url}/v2/library/signtest/manifests/0.1.0`, { headers: { ...headers(), accept: OCI_MANIFEST } });
    assert.equal(manifestResponse.status, 200);
    assert.equal(manifestResponse.headers.get('content-type'), OCI_MANIFEST);
    const manifestBytes = Buffer.from(await manifestResponse.arrayBuffer());
    const manifest = JSON.parse(manifestBytes.toString()) as {
      mediaType?: string;
      config: { mediaType: string; digest: string };
      layers: { mediaType: string; digest: string }[];
      annotations: Record<string, string>;
    };
    assert.equal(manifest.mediaType, undefined);
    const created = manifest.annotations['org.opencontainers.image.created']!;
    assert.match(created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const expected = buildHelmManifest((await loadChart(archive)).metadata, archive, provenance, created);
    assert.ok(manifestBytes.equals(expected.manifest), 'the manifest differs from the one helm push would write');

    const chartLayer = manifest.layers.find((layer) => layer.mediaType === HELM_CHART_LAYER_MEDIA_TYPE)!;
    const provLayer = manifest.layers.find((layer) => layer.mediaType === 'application/vnd.cncf.helm.chart.provenance.v1.prov')!;
    for (const [digest, bytes] of [[chartLayer.digest, archive], [provLayer.digest, provenance], [manifest.config.digest, expected.config]] as const) {
      const blob = await fetch(`${wharf.url}/v2/library/signtest/blobs/${digest}`, { headers: headers() });
      assert.equal(blob.status, 200);
      assert.ok(Buffer.from(await blob.arrayBuffer()).equals(bytes), `blob ${digest} differs`);
    }

    const tags = (await (await fetch(`${wharf.url}/v2/library/signtest/tags/list`, { headers: headers() })).json()) as { tags: string[] };
    assert.deepEqual(tags.tags, ['0.1.0']);
  });

  test('deleted chart leaves OCI', async () => {
    const upload = await fetch(`${wharf.url}/api/chartrepo/library/charts`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/octet-stream' }, body: buildChart('gone', '1.0.0') });
    assert.equal(upload.status, 201);
    assert.equal((await fetch(`${wharf.url}/v2/library/gone/manifests/1.0.0`, { headers: headers() })).status, 200);
    const deleted = await fetch(`${wharf.url}/api/chartrepo/library/charts/gone/1.0.0`, { method: 'DELETE', headers: headers() });
    assert.equal(deleted.status, 200);
    assert.equal((await fetch(`${wharf.url}/v2/library/gone/manifests/1.0.0`, { headers: headers() })).status, 404);
  });
});
