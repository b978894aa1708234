import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import YAML from 'yaml';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildChart } from './support/build-chart.ts';
import { loadWharfIndex, resolveChartUrl } from './support/helm-index-rules.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/helm/charts');
const HAVE_FIXTURES = existsSync(FIXTURES);
const SKIP_FIXTURES = HAVE_FIXTURES ? false : `Helm fixtures not found at ${FIXTURES}`;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** GET without automatic decompression, so ETag and gzip behaviour are visible as sent. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
  });
}

describe('chart repository', () => {
  let wharf: TestWharf;
  const upload = (project: string, body: Buffer | FormData, query = '', auth?: string) =>
    fetch(`${wharf.url}/api/chartrepo/${project}/charts${query}`, {
      method: 'POST',
      headers: { ...(auth === undefined ? { authorization: wharf.adminAuth } : auth ? { authorization: auth } : {}), ...(Buffer.isBuffer(body) ? { 'content-type': 'application/octet-stream' } : {}) },
      body,
    });

  before(async () => {
    wharf = await startTestWharf();
    await wharf.services.projects.create('team', { public: false });
    await wharf.services.projects.create('order', { public: true });
  });
  after(async () => {
    await wharf.close();
  });

  test('fixture charts upload', { skip: SKIP_FIXTURES }, async () => {
    for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.tgz') && !name.startsWith('corrupted'))) {
      const response = await upload('library', readFileSync(path.join(FIXTURES, file)));
      const text = await response.text();
      assert.equal(response.status, 201, `${file}: ${text}`);
      assert.deepEqual(JSON.parse(text), { saved: true });
    }
  });

  test('corrupted fixture is rejected', { skip: SKIP_FIXTURES }, async () => {
    const response = await upload('library', readFileSync(path.join(FIXTURES, 'corrupted-compressed-chart.tgz')));
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string };
    assert.match(body.error, /empty|gzip/);
  });

  test('index matches every Chart.yaml', { skip: SKIP_FIXTURES }, async () => {
    const response = await get(`${wharf.url}/chartrepo/library/index.yaml`);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/x-yaml');
    const index = loadWharfIndex(response.body);
    assert.equal(index.format, 'yaml');
    assert.deepEqual(index.skipped, []);

    const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.tgz') && !name.startsWith('corrupted'));
    let checked = 0;
    for (const file of files) {
      const archive = readFileSync(path.join(FIXTURES, file));
      const folder = file.replace(/-\d+\.\d+\.\d+.*\.tgz$/, '');
      const chartYaml = YAML.parse(gunzipTarFile(archive, `${folder}/Chart.yaml`)) as Record<string, unknown>;
      // Helm's loader reads requirements.yaml (apiVersion v1) into the chart's metadata.
      const requirements = gunzipTarFile(archive, `${folder}/requirements.yaml`, true);
      if (requirements) chartYaml.dependencies = (YAML.parse(requirements) as Record<string, unknown>).dependencies;
      const entry = index.entries[chartYaml.name as string]?.find((item) => item.version === String(chartYaml.version));
      assert.ok(entry, `${file}: no index entry for ${chartYaml.name} ${chartYaml.version}`);
      const keys = ['name', 'version', 'description', 'home', 'icon', 'appVersion', 'kubeVersion', 'type', 'deprecated', 'condition', 'tags'];
      for (const key of [...keys, 'keywords', 'sources', 'maintainers', 'annotations', 'dependencies']) {
        if (chartYaml[key] === undefined) assert.equal(entry[key], undefined, `${file}: ${key} should be absent`);
        else assert.deepEqual(entry[key], normalise(chartYaml[key]), `${file}: ${key}`);
      }
      assert.equal(entry.apiVersion, chartYaml.apiVersion ?? 'v1', `${file}: apiVersion`);
      assert.equal(entry.digest, sha256(archive), `${file}: digest`);
      assert.deepEqual(entry.urls, [`charts/${encodeURIComponent(file)}`], `${file}: urls`);

      const download = await get(resolveChartUrl(`${wharf.url}/chartrepo/library`, (entry.urls as string[])[0]!));
      assert.equal(download.status, 200, `${file}: download`);
      assert.ok(download.body.equals(archive), `${file}: downloaded bytes differ`);
      checked += 1;
    }
    assert.equal(checked, files.length);
  });

  test('provenance round trip', { skip: SKIP_FIXTURES }, async () => {
    const prov = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    const response = await fetch(`${wharf.url}/api/chartrepo/library/prov`, { method: 'POST', headers: { authorization: wharf.adminAuth }, body: prov });
    assert.equal(response.status, 201, await response.text());
    const again = await fetch(`${wharf.url}/api/chartrepo/library/prov`, { method: 'POST', headers: { authorization: wharf.adminAuth }, body: prov });
    assert.equal(again.status, 409);

    const download = await get(`${wharf.url}/chartrepo/library/charts/signtest-0.1.0.tgz.prov`);
    assert.equal(download.status, 200);
    assert.equal(download.headers['content-type'], 'application/pgp-signature');
    assert.ok(download.body.equals(prov));
  });

  test('provenance for another archive is rejected', { skip: SKIP_FIXTURES }, async () => {
    const prov = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    const form = new FormData();
    form.append('chart', new Blob([new Uint8Array(buildChart('signtest', '0.1.0'))]), 'signtest-0.1.0.tgz');
    form.append('prov', new Blob([new Uint8Array(prov)]), 'signtest-0.1.0.tgz.prov');
    const response = await upload('order', form);
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /does not list signtest-0\.1\.0\.tgz/);
  });

  test('multipart upload with provenance', { skip: SKIP_FIXTURES }, async () => {
    const form = new FormData();
    form.append('chart', new Blob([new Uint8Array(readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz')))]), 'signtest-0.1.0.tgz');
    form.append('prov', new Blob([new Uint8Array(readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov')))]), 'signtest-0.1.0.tgz.prov');
    const response = await upload('team', form);
    assert.equal(response.status, 201, await response.text());
    const prov = await get(`${wharf.url}/chartrepo/team/charts/signtest-0.1.0.tgz.prov`, { authorization: wharf.adminAuth });
    assert.equal(prov.status, 200);
  });

  test('existing version conflicts without force', async () => {
    const first = await upload('order', buildChart('conflict', '1.0.0'));
    assert.equal(first.status, 201);
    const second = await upload('order', buildChart('conflict', '1.0.0', { chartYaml: 'apiVersion: v2\nname: conflict\nversion: 1.0.0\ndescription: changed\n' }));
    assert.equal(second.status, 409);
    assert.match(((await second.json()) as { error: string }).error, /already exists/);

    const forced = await upload('order', buildChart('conflict', '1.0.0', { chartYaml: 'apiVersion: v2\nname: conflict\nversion: 1.0.0\ndescription: changed\n' }), '?force=true');
    assert.equal(forced.status, 201);
    const version = (await (await fetch(`${wharf.url}/api/chartrepo/order/charts/conflict/1.0.0`)).json()) as { description: string };
    assert.equal(version.description, 'changed');
  });

  test('versions sort newest first', async () => {
    const versions = ['1.0.0', '1.0.0-rc.1', '1.0.0-alpha', '1.0.0-alpha.10', '1.0.0-alpha.2', '1.10.0', '1.9.0', '0.9.0', '2.0.0-beta.1', '1.2.3+build.7'];
    for (const version of versions) {
      const response = await upload('order', buildChart('ordered', version));
      assert.equal(response.status, 201, `${version}: ${await response.text()}`);
    }
    const index = loadWharfIndex((await get(`${wharf.url}/chartrepo/order/index.yaml`)).body);
    const listed = index.entries.ordered!.map((entry) => entry.version);
    assert.deepEqual(listed, ['2.0.0-beta.1', '1.10.0', '1.9.0', '1.2.3+build.7', '1.0.0', '1.0.0-rc.1', '1.0.0-alpha.10', '1.0.0-alpha.2', '1.0.0-alpha', '0.9.0']);

    const plus = index.entries.ordered!.find((entry) => entry.version === '1.2.3+build.7')!;
    assert.deepEqual(plus.urls, ['charts/ordered-1.2.3%2Bbuild.7.tgz']);
    const download = await get(resolveChartUrl(`${wharf.url}/chartrepo/order`, (plus.urls as string[])[0]!));
    assert.equal(download.status, 200);

    const latest = (await (await fetch(`${wharf.url}/api/chartrepo/order/charts/ordered/latest`)).json()) as { version: string };
    assert.equal(latest.version, '1.10.0');
  });

  test('YAML 1.1 words stay strings', async () => {
    const chartYaml = 'apiVersion: v2\nname: words\nversion: 1.0.0\nappVersion: "yes"\ndescription: "null"\nannotations:\n  "on": "off"\n  category: "1.10"\n';
    assert.equal((await upload('order', buildChart('words', '1.0.0', { chartYaml }))).status, 201);
    const index = loadWharfIndex((await get(`${wharf.url}/chartrepo/order/index.yaml`)).body);
    const entry = index.entries.words![0]!;
    assert.equal(entry.appVersion, 'yes');
    assert.equal(entry.description, 'null');
    assert.deepEqual(entry.annotations, { on: 'off', category: '1.10' });
  });

  test('index bytes are deterministic', async () => {
    const first = await get(`${wharf.url}/chartrepo/order/index.yaml`);
    const second = await get(`${wharf.url}/chartrepo/order/index.yaml`);
    assert.ok(first.body.equals(second.body));
    assert.equal(first.headers.etag, second.headers.etag);
  });

  test('JSON index passes the loader', async () => {
    const yamlIndex = loadWharfIndex((await get(`${wharf.url}/chartrepo/order/index.yaml`)).body);
    for (const response of [await get(`${wharf.url}/chartrepo/order/index.json`), await get(`${wharf.url}/chartrepo/order/index.yaml`, { accept: 'application/json' })]) {
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-type'], 'application/json');
      const index = loadWharfIndex(response.body);
      assert.equal(index.format, 'json');
      assert.deepEqual(index.skipped, []);
      assert.deepEqual(index.entries, yamlIndex.entries);
    }
  });

  test('ETag answers 304', async () => {
    const first = await get(`${wharf.url}/chartrepo/order/index.yaml`);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const cached = await get(`${wharf.url}/chartrepo/order/index.yaml`, { 'if-none-match': etag });
    assert.equal(cached.status, 304);
    assert.equal(cached.body.length, 0);

    assert.equal((await upload('order', buildChart('etag', '1.0.0'))).status, 201);
    const changed = await get(`${wharf.url}/chartrepo/order/index.yaml`, { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
  });

  test('gzip only when asked', async () => {
    const plain = await get(`${wharf.url}/chartrepo/order/index.yaml`);
    assert.equal(plain.headers['content-encoding'], undefined);
    const compressed = await get(`${wharf.url}/chartrepo/order/index.yaml`, { 'accept-encoding': 'gzip' });
    assert.equal(compressed.status, 200);
    assert.equal(compressed.headers['content-encoding'], 'gzip');
    assert.equal(compressed.headers.vary, 'Accept-Encoding');
    assert.ok(gunzipSync(compressed.body).equals(plain.body));
    assert.notEqual(compressed.headers.etag, plain.headers.etag);
    const notModified = await get(`${wharf.url}/chartrepo/order/index.yaml`, { 'accept-encoding': 'gzip', 'if-none-match': compressed.headers.etag as string });
    assert.equal(notModified.status, 304);
  });

  test('ChartMuseum reads and delete', async () => {
    const charts = (await (await fetch(`${wharf.url}/api/chartrepo/order/charts`)).json()) as Record<string, { version: string }[]>;
    assert.ok(charts.ordered);
    assert.ok(charts.conflict);
    const versions = (await (await fetch(`${wharf.url}/api/chartrepo/order/charts/ordered`)).json()) as { version: string }[];
    assert.equal(versions[0]!.version, '2.0.0-beta.1');

    const missing = await fetch(`${wharf.url}/api/chartrepo/order/charts/nothing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'chart not found' });
    const missingVersion = await fetch(`${wharf.url}/api/chartrepo/order/charts/ordered/9.9.9`);
    assert.equal(missingVersion.status, 404);
    assert.deepEqual(await missingVersion.json(), { error: 'no chart version found for ordered-9.9.9' });

    const anonymousDelete = await fetch(`${wharf.url}/api/chartrepo/order/charts/ordered/0.9.0`, { method: 'DELETE' });
    assert.equal(anonymousDelete.status, 401);
    const deleted = await fetch(`${wharf.url}/api/chartrepo/order/charts/ordered/0.9.0`, { method: 'DELETE', headers: { authorization: wharf.adminAuth } });
    assert.equal(deleted.status, 200);
    assert.deepEqual(await deleted.json(), { deleted: true });
    const index = loadWharfIndex((await get(`${wharf.url}/chartrepo/order/index.yaml`)).body);
    assert.ok(!index.entries.ordered!.some((entry) => entry.version === '0.9.0'));
    const download = await get(`${wharf.url}/chartrepo/order/charts/ordered-0.9.0.tgz`);
    assert.equal(download.status, 404);
  });

  test('public project reads anonymously', async () => {
    const response = await get(`${wharf.url}/chartrepo/order/index.yaml`);
    assert.equal(response.status, 200);
    const download = await get(`${wharf.url}/chartrepo/order/charts/etag-1.0.0.tgz`);
    assert.equal(download.status, 200);
  });

  test('anonymous upload is rejected', async () => {
    const response = await upload('order', buildChart('anonymous', '1.0.0'), '', '');
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.deepEqual(await response.json(), { error: 'authentication required' });
  });

  test('wrong password is rejected', async () => {
    const response = await upload('order', buildChart('wrong', '1.0.0'), '', `Basic ${Buffer.from('admin:wrong').toString('base64')}`);
    assert.equal(response.status, 401);
  });

  test('private project needs credentials', async () => {
    assert.equal((await get(`${wharf.url}/chartrepo/team/index.yaml`)).status, 401);
    assert.equal((await get(`${wharf.url}/chartrepo/team/index.yaml`, { authorization: wharf.adminAuth })).status, 200);
  });

  test('merged index names entries by project', async () => {
    const anonymous = loadWharfIndex((await get(`${wharf.url}/chartrepo/index.yaml`)).body);
    assert.deepEqual(anonymous.skipped, []);
    assert.ok(anonymous.entries['order/ordered']);
    assert.ok(!Object.keys(anonymous.entries).some((key) => key.startsWith('team/')), 'anonymous caller sees a private project');
    const entry = anonymous.entries['order/ordered']![0]!;
    assert.equal(entry.name, 'ordered');
    const url = resolveChartUrl(`${wharf.url}/chartrepo`, (entry.urls as string[])[0]!);
    assert.equal(url, `${wharf.url}/chartrepo/order/charts/ordered-2.0.0-beta.1.tgz`);
    assert.equal((await get(url)).status, 200);

    const admin = loadWharfIndex((await get(`${wharf.url}/chartrepo/index.yaml`, { authorization: wharf.adminAuth })).body);
    assert.ok(Object.keys(admin.entries).some((key) => key.startsWith('team/')));
  });

  test('upload to missing project is rejected', async () => {
    const response = await upload('nowhere', buildChart('lost', '1.0.0'));
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: 'project "nowhere" not found' });
  });

  test('project with charts cannot be deleted', async () => {
    // An upper-case chart name is valid for Helm but not as an OCI repository, so the project holds only the chart.
    await wharf.services.projects.create('upper', { public: true });
    assert.equal((await upload('upper', buildChart('UpperCase', '1.0.0'))).status, 201);
    const index = loadWharfIndex((await get(`${wharf.url}/chartrepo/upper/index.yaml`)).body);
    assert.equal(index.entries.UpperCase?.length, 1);
    await assert.rejects(wharf.services.projects.delete('upper'), /still holds 1 chart versions/);
  });
});

/** Reads one file from a gzip tar, or returns '' for a missing optional one. The parser covers only what the fixtures' YAML files need. */
function gunzipTarFile(archive: Buffer, fileName: string, optional = false): string {
  const tar = gunzipSync(archive);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    if (name === '') break;
    if (name === fileName) return tar.subarray(offset + 512, offset + 512 + size).toString('utf8');
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  if (optional) return '';
  throw new Error(`${fileName} not found`);
}

/** YAML numbers inside Chart.yaml lists become strings in the index, as Helm's decoder does. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalise(item)]));
  return value;
}
