import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { loadChart } from '../../charts-repo/chart/load-chart.ts';
import { buildHelmManifest, HELM_CHART_LAYER_MEDIA_TYPE } from '../../charts-repo/oci/helm-manifest.ts';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildArchive, buildChart } from './support/build-chart.ts';
import { loadWharfIndex, resolveChartUrl } from './support/helm-index-rules.ts';

const run = promisify(execFile);
const CURL = '/usr/bin/curl';
const SKIP_CURL = existsSync(CURL) ? false : `curl not found at ${CURL}; install Debian's curl`;

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
  async function helmPush(project: string, archive: Buffer, provenance?: Buffer, repositoryOverride?: string): Promise<{ response: Response; manifest: Buffer }> {
    const chart = await loadChart(archive);
    const repository = repositoryOverride ?? `${project}/${chart.metadata.name}`;
    const artifact = buildHelmManifest(chart.metadata, archive, provenance, '2024-05-06T07:08:09Z');
    await pushBlob(repository, archive);
    await pushBlob(repository, artifact.config);
    if (provenance) await pushBlob(repository, provenance);
    const tag = chart.metadata.version.replaceAll('+', '_');
    const response = await fetch(`${wharf.url}/v2/${repositoryOverride ?? repository}/manifests/${tag}`, {
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
  /** Fetches the index as Helm does, with no compression, and loads it with Helm's rules. */
  async function fetchIndex(project: string) {
    const response = await fetch(`${wharf.url}/chartrepo/${project}/index.yaml`, { headers: { ...headers(), 'accept-encoding': 'identity' } });
    assert.equal(response.status, 200);
    return loadWharfIndex(Buffer.from(await response.arrayBuffer()));
  }

  /** Pulls a chart as `helm pull oci://` does: the manifest by tag, then the chart layer by digest. */
  async function ociPull(repository: string, tag: string): Promise<{ manifestDigest: string; chart: Buffer; provenance?: Buffer }> {
    const manifestResponse = await fetch(`${wharf.url}/v2/${repository}/manifests/${tag}`, { headers: { ...headers(), accept: OCI_MANIFEST } });
    assert.equal(manifestResponse.status, 200, `${repository}:${tag}`);
    const manifest = (await manifestResponse.json()) as { config: { mediaType: string }; layers: { mediaType: string; digest: string }[] };
    assert.equal(manifest.config.mediaType, 'application/vnd.cncf.helm.config.v1+json');
    const blob = async (mediaType: string) => {
      const layer = manifest.layers.find((item) => item.mediaType === mediaType);
      if (!layer) return undefined;
      const response = await fetch(`${wharf.url}/v2/${repository}/blobs/${layer.digest}`, { headers: headers() });
      assert.equal(response.status, 200);
      return Buffer.from(await response.arrayBuffer());
    };
    const chart = await blob(HELM_CHART_LAYER_MEDIA_TYPE);
    assert.ok(chart, 'the manifest has no chart layer');
    const provenance = await blob('application/vnd.cncf.helm.chart.provenance.v1.prov');
    return { manifestDigest: manifestResponse.headers.get('docker-content-digest')!, chart, ...(provenance ? { provenance } : {}) };
  }

  test('curl upload and OCI push share catalog', { skip: SKIP_CURL }, async () => {
    await wharf.services.projects.create('hub', { public: false });
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-hub-'));
    try {
      // `curl --data-binary @file` posts the archive as the raw body, as ChartMuseum's documentation shows.
      const uploaded = buildChart('curled', '1.4.0', { chartYaml: 'apiVersion: v2\nname: curled\nversion: 1.4.0\nappVersion: "7"\n' });
      const file = path.join(scratch, 'curled-1.4.0.tgz');
      await writeFile(file, uploaded);
      const curl = await run(CURL, ['-sS', '-u', `admin:${ADMIN_PASSWORD}`, '--data-binary', `@${file}`, '-w', '\n%{http_code}', `${wharf.url}/api/chartrepo/hub/charts`]);
      const [body, status] = curl.stdout.trim().split('\n');
      assert.equal(status, '201', body);
      assert.deepEqual(JSON.parse(body!), { saved: true });

      const pushed = buildChart('pushed-hub', '0.3.0+git.1a2b', { chartYaml: 'apiVersion: v2\nname: pushed-hub\nversion: 0.3.0+git.1a2b\n' });
      const push = await helmPush('hub', pushed);
      assert.equal(push.response.status, 201, await push.response.text());

      const index = await fetchIndex('hub');
      const repositoryUrl = `${wharf.url}/chartrepo/hub`;
      for (const [name, version, archive, file] of [
        ['curled', '1.4.0', uploaded, 'curled-1.4.0.tgz'],
        ['pushed-hub', '0.3.0+git.1a2b', pushed, 'pushed-hub-0.3.0%2Bgit.1a2b.tgz'],
      ] as const) {
        const entry = index.entries[name]?.[0];
        assert.ok(entry, `${name} is not in index.yaml`);
        assert.equal(entry.version, version);
        assert.equal(entry.digest, digestOf(archive).slice(7), `${name}: digest`);
        assert.deepEqual(entry.urls, [`charts/${file}`], `${name}: urls`);

        const overHttp = await fetch(resolveChartUrl(repositoryUrl, (entry.urls as string[])[0]!), { headers: headers() });
        assert.equal(overHttp.status, 200, `${name}: HTTP download`);
        assert.ok(Buffer.from(await overHttp.arrayBuffer()).equals(archive), `${name}: HTTP bytes differ`);

        const overOci = await ociPull(`hub/${name}`, version.replaceAll('+', '_'));
        assert.ok(overOci.chart.equals(archive), `${name}: OCI bytes differ`);
      }
      assert.equal(digestOf(push.manifest), (await ociPull('hub/pushed-hub', '0.3.0_git.1a2b')).manifestDigest);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  test('pushed provenance layer served', { skip: SKIP_FIXTURES }, async () => {
    await wharf.services.projects.create('signed', { public: true });
    const archive = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz'));
    const provenance = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    const { response } = await helmPush('signed', archive, provenance);
    assert.equal(response.status, 201, await response.text());

    const entry = (await fetchIndex('signed')).entries.signtest![0]!;
    const chartUrl = resolveChartUrl(`${wharf.url}/chartrepo/signed`, (entry.urls as string[])[0]!);
    const prov = await fetch(`${chartUrl}.prov`);
    assert.equal(prov.status, 200);
    assert.ok(Buffer.from(await prov.arrayBuffer()).equals(provenance));
  });

  test('provenance layer for another chart rejected', { skip: SKIP_FIXTURES }, async () => {
    const provenance = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    const { response } = await helmPush('library', buildChart('signtest', '0.1.0'), provenance, 'library/forged/signtest');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, 'MANIFEST_INVALID');
    assert.match(body.errors[0]!.message, /provenance layer is invalid: .*does not list signtest-0\.1\.0\.tgz/);
  });

  test('repository must end in chart name', async () => {
    const { response } = await helmPush('library', buildChart('misnamed', '1.0.0'), undefined, 'library/other-name');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { errors: { code: string; message: string }[] };
    assert.match(body.errors[0]!.message, /last path component is "misnamed"/);
    const nested = await helmPush('library', buildChart('nested', '1.0.0'), undefined, 'library/team/charts/nested');
    assert.equal(nested.response.status, 201, await nested.response.text());
    assert.ok((await fetchIndex('library')).entries.nested);
  });

  test('legacy chart layer type accepted', async () => {
    const archive = buildChart('legacy-layer', '1.0.0');
    const config = Buffer.from('{"name":"legacy-layer","version":"1.0.0","apiVersion":"v2"}');
    await pushBlob('library/legacy-layer', archive);
    await pushBlob('library/legacy-layer', config);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: 'application/tar+gzip', digest: digestOf(archive), size: archive.length }],
    }));
    const response = await fetch(`${wharf.url}/v2/library/legacy-layer/manifests/1.0.0`, { method: 'PUT', headers: { ...headers(), 'content-type': OCI_MANIFEST }, body: manifest });
    assert.equal(response.status, 201, await response.text());
    assert.equal((await fetchIndex('library')).entries['legacy-layer']?.[0]?.digest, digestOf(archive).slice(7));
  });

  test('manifest deleted over OCI leaves index', async () => {
    const { response, manifest } = await helmPush('library', buildChart('ocidel', '1.0.0'));
    assert.equal(response.status, 201);
    const uploaded = await fetch(`${wharf.url}/api/chartrepo/library/charts`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/octet-stream' }, body: buildChart('httpdel', '1.0.0') });
    assert.equal(uploaded.status, 201);
    const uploadedDigest = (await ociPull('library/httpdel', '1.0.0')).manifestDigest;

    for (const [repository, digest] of [['library/ocidel', digestOf(manifest)], ['library/httpdel', uploadedDigest]] as const) {
      const deleted = await fetch(`${wharf.url}/v2/${repository}/manifests/${digest}`, { method: 'DELETE', headers: headers() });
      assert.equal(deleted.status, 202, await deleted.text());
    }
    const index = await fetchIndex('library');
    assert.equal(index.entries.ocidel, undefined);
    assert.equal(index.entries.httpdel, undefined);
    assert.equal((await fetch(`${wharf.url}/chartrepo/library/charts/ocidel-1.0.0.tgz`)).status, 404);
    assert.equal((await fetch(`${wharf.url}/api/chartrepo/library/charts/httpdel/1.0.0`)).status, 404);
  });
});
