import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { blobKey } from '../../api/storage/paths.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../charts-repo/archive/read-chart-archive.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildArchive, buildChart, buildTar } from './support/build-chart.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/helm/charts');
const SKIP_FIXTURES = existsSync(FIXTURES) ? false : `Helm fixtures not found at ${FIXTURES}`;
const CHART_YAML = 'apiVersion: v2\nname: hostile\nversion: 1.0.0\n';

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function blob(bytes: Buffer, name: string): Blob {
  return Object.assign(new Blob([new Uint8Array(bytes)]), { name });
}

/** Archives Wharf must reject, with the message that names the reason. */
function hostileArchives(): [string, Buffer, RegExp][] {
  const yamlBomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const [previous, next] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) {
    yamlBomb.push(`${next}: &${next} [${Array(9).fill(`*${previous}`).join(',')}]`);
  }
  const zeros = Buffer.alloc(120 * 1024 * 1024);
  const header = buildTar([{ path: 'hostile/Chart.yaml', content: CHART_YAML }]).subarray(0, 1024);
  return [
    ['not gzip', Buffer.from(CHART_YAML), /not gzip/],
    ['gzip without tar', gzipSync(Buffer.from('plain text, no tar headers here '.repeat(40))), /not a valid tar/],
    ['path traversal', buildArchive([{ path: 'hostile/Chart.yaml', content: CHART_YAML }, { path: 'hostile/../../etc/cron.d/x', content: 'x' }]), /parent folder/],
    ['absolute path', buildArchive([{ path: '/hostile/Chart.yaml', content: CHART_YAML }]), /absolute path/],
    ['symbolic link', buildArchive([{ path: 'hostile/Chart.yaml', content: CHART_YAML }, { path: 'hostile/values.yaml', type: '2', linkTarget: '/etc/shadow' }]), /link/],
    ['hard link', buildArchive([{ path: 'hostile/Chart.yaml', content: CHART_YAML }, { path: 'hostile/x', type: '1', linkTarget: 'hostile/Chart.yaml' }]), /link/],
    ['huge file', buildArchive([{ path: 'hostile/Chart.yaml', content: CHART_YAML }, { path: 'hostile/big', content: Buffer.alloc(DEFAULT_ARCHIVE_LIMITS.maxFileBytes + 1) }]), /per file/],
    ['gzip bomb', gzipSync(Buffer.concat([header, zeros])), /decompressed chart is larger/],
    ['YAML bomb', buildArchive([{ path: 'hostile/Chart.yaml', content: `${CHART_YAML}${yamlBomb.join('\n')}\n` }]), /alias|resource exhaustion/i],
    ['no Chart.yaml', buildArchive([{ path: 'hostile/values.yaml', content: 'a: 1\n' }]), /Chart\.yaml is missing/],
    ['invalid version', buildArchive([{ path: 'hostile/Chart.yaml', content: 'apiVersion: v2\nname: hostile\nversion: "1.0"\n' }]), /not a SemVer 2/],
  ];
}

describe('chart upload', () => {
  let wharf: TestWharf;
  const url = (suffix: string) => `${wharf.url}/api/chartrepo/${suffix}`;
  const post = (suffix: string, body: Buffer | FormData, headers: Record<string, string> = { 'content-type': 'application/octet-stream' }) =>
    fetch(url(suffix), { method: 'POST', headers: { authorization: wharf.adminAuth, ...(Buffer.isBuffer(body) ? headers : {}) }, body });

  before(async () => {
    wharf = await startTestWharf();
    await wharf.services.projects.create('uploads', { public: true });
  });
  after(async () => {
    await wharf.close();
  });

  for (const [label, contentType] of [['octet-stream', 'application/octet-stream'], ['form-urlencoded', 'application/x-www-form-urlencoded'], ['gzip', 'application/gzip']] as const) {
    test(`raw body as ${label}`, async () => {
      const archive = buildChart(`raw-${label}`, '1.0.0');
      const response = await post('uploads/charts', archive, { 'content-type': contentType });
      assert.equal(response.status, 201, await response.text());
      const download = await fetch(`${wharf.url}/chartrepo/uploads/charts/raw-${label}-1.0.0.tgz`);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(archive));
    });
  }

  test('raw body without content type', async () => {
    const archive = buildChart('untyped', '1.0.0');
    const response = await fetch(url('uploads/charts'), { method: 'POST', headers: { authorization: wharf.adminAuth }, body: new Uint8Array(archive) });
    assert.equal(response.status, 201, await response.text());
  });

  test('multipart with chart only', async () => {
    const form = new FormData();
    form.append('chart', blob(buildChart('formed', '1.0.0'), 'formed-1.0.0.tgz'));
    const response = await post('uploads/charts', form);
    const text = await response.text();
    assert.equal(response.status, 201, text);
    assert.deepEqual(JSON.parse(text), { saved: true });
  });

  test('multipart without files rejected', async () => {
    const form = new FormData();
    form.append('other', 'text');
    const response = await post('uploads/charts', form);
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /no package or provenance file/);
  });

  test('empty body rejected', async () => {
    const response = await post('uploads/charts', Buffer.alloc(0));
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /body is empty/);
  });

  test('provenance as multipart and forced', { skip: SKIP_FIXTURES }, async () => {
    const archive = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz'));
    const provenance = readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov'));
    assert.equal((await post('uploads/charts', archive)).status, 201);

    const early = await fetch(`${wharf.url}/chartrepo/uploads/charts/signtest-0.1.0.tgz.prov`);
    assert.equal(early.status, 404);
    const form = new FormData();
    form.append('prov', blob(provenance, 'signtest-0.1.0.tgz.prov'));
    const added = await post('uploads/charts', form);
    assert.equal(added.status, 201, await added.text());

    const again = await post('uploads/prov', provenance);
    assert.equal(again.status, 409);
    assert.match(((await again.json()) as { error: string }).error, /already has a provenance file/);
    const forced = await post('uploads/prov?force', provenance);
    assert.equal(forced.status, 201);
    const download = await fetch(`${wharf.url}/chartrepo/uploads/charts/signtest-0.1.0.tgz.prov`);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(provenance));
  });

  test('provenance before chart rejected', { skip: SKIP_FIXTURES }, async () => {
    await wharf.services.projects.create('provless', { public: true });
    const response = await post('provless/prov', readFileSync(path.join(FIXTURES, 'signtest-0.1.0.tgz.prov')));
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { error: string }).error, /upload the chart before its provenance file/);
  });

  test('invalid provenance rejected', async () => {
    const response = await post('uploads/prov', Buffer.from('name: x\nversion: 1.0.0\n'));
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /BEGIN PGP SIGNED MESSAGE/);
  });

  test('archive over 10 MiB rejected', async () => {
    // Random bytes do not compress, so the archive stays over the default limit of 10 MiB.
    const noise = Buffer.alloc(DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes + 1024);
    for (let offset = 0; offset < noise.length; offset += 4) noise.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, offset);
    const mebibyte = 1024 * 1024;
    const archive = buildArchive([
      { path: 'large/Chart.yaml', content: 'apiVersion: v2\nname: large\nversion: 1.0.0\n' },
      { path: 'large/noise1.bin', content: noise.subarray(0, 4 * mebibyte) },
      { path: 'large/noise2.bin', content: noise.subarray(4 * mebibyte, 8 * mebibyte) },
      { path: 'large/noise3.bin', content: noise.subarray(8 * mebibyte) },
    ]);
    assert.ok(archive.length > DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes);

    const raw = await post('uploads/charts', archive);
    assert.equal(raw.status, 413);
    assert.match(((await raw.json()) as { error: string }).error, /chart archive .*over the 10485760-byte limit/);

    const form = new FormData();
    form.append('chart', blob(archive, 'large-1.0.0.tgz'));
    const multipart = await post('uploads/charts', form);
    assert.equal(multipart.status, 413);
    assert.match(((await multipart.json()) as { error: string }).error, /chart archive .*over the 10485760-byte limit/);
    assert.equal((await fetch(url('uploads/charts/large'))).status, 404);
  });

  for (const [label, archive, message] of hostileArchives()) {
    test(`${label} stores nothing`, async () => {
      const indexBefore = await fetch(`${wharf.url}/chartrepo/uploads/index.yaml`);
      const versionsBefore = await wharf.services.db.prisma.chartVersion.count();

      const response = await post('uploads/charts', archive);
      assert.ok(response.status === 400 || response.status === 413, `status ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(((await response.json()) as { error: string }).error, message);

      assert.equal(await wharf.services.db.prisma.chartVersion.count(), versionsBefore);
      assert.equal(await wharf.services.db.prisma.blob.count({ where: { digest: digestOf(archive) } }), 0);
      assert.equal(await wharf.services.storage.stat(blobKey(digestOf(archive))), undefined);
      const indexAfter = await fetch(`${wharf.url}/chartrepo/uploads/index.yaml`, { headers: { 'if-none-match': indexBefore.headers.get('etag')! } });
      assert.equal(indexAfter.status, 304, 'the index changed');
    });
  }

  test('forced invalid upload keeps version', async () => {
    assert.equal((await post('uploads/charts', buildChart('steady', '1.0.0'))).status, 201);
    const invalid = buildArchive([{ path: 'steady/Chart.yaml', content: 'apiVersion: v2\nname: steady\nversion: 1.0.0\ntype: foobar\n' }]);
    const response = await post('uploads/charts?force=true', invalid);
    assert.equal(response.status, 400);
    const kept = (await (await fetch(url('uploads/charts/steady/1.0.0'))).json()) as { digest: string };
    assert.equal(kept.digest, digestOf(buildChart('steady', '1.0.0')).slice(7));
  });

  test('HEAD on chart API', async () => {
    assert.equal((await fetch(url('uploads/charts/steady'), { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(url('uploads/charts/steady/1.0.0'), { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(url('uploads/charts/absent'), { method: 'HEAD' })).status, 404);
    assert.equal((await fetch(url('uploads/charts/steady/9.9.9'), { method: 'HEAD' })).status, 404);
  });

  test('chart details are kept', async () => {
    const chartYaml = [
      'apiVersion: v2',
      'name: detailed',
      'version: 1.0.0',
      'dependencies:',
      '  - name: redis',
      '    version: "17.x"',
      '    repository: oci://registry.example.com/charts',
      '    alias: cache',
      '    condition: redis.enabled',
      '',
    ].join('\n');
    const values = [
      'image:',
      '  registry: docker.io',
      '  repository: bitnami/nginx',
      '  tag: "1.25.3"',
      'sidecar:',
      '  image: quay.io/prometheus/node-exporter:v1.7.0',
      'jobs:',
      '  - image:',
      '      repository: busybox',
      '      digest: sha256:' + 'a'.repeat(64),
      '',
    ].join('\n');
    const schema = '{"$schema":"https://json-schema.org/draft-07/schema#","type":"object"}';
    const archive = buildArchive([
      { path: 'detailed/Chart.yaml', content: chartYaml },
      { path: 'detailed/README.md', content: '# Detailed\n\nA chart with every detail.\n' },
      { path: 'detailed/values.yaml', content: values },
      { path: 'detailed/values.schema.json', content: schema },
      { path: 'detailed/templates/job.yaml', content: 'spec:\n  containers:\n    - name: x\n      image: "ghcr.io/acme/worker:2.0"\n    - image: {{ .Values.image.repository }}\n' },
    ]);
    assert.equal((await post('uploads/charts', archive)).status, 201);

    const row = await wharf.services.db.prisma.chartVersion.findFirstOrThrow({ where: { name: 'detailed' } });
    const details = row.details as { readme: string; values: string; valuesSchema: string; dependencies: unknown[]; images: string[] };
    assert.equal(details.readme, '# Detailed\n\nA chart with every detail.\n');
    assert.equal(details.values, values);
    assert.equal(details.valuesSchema, schema);
    assert.deepEqual(details.dependencies, [
      { name: 'redis', version: '17.x', repository: 'oci://registry.example.com/charts', alias: 'cache', condition: 'redis.enabled' },
    ]);
    assert.deepEqual(details.images, [
      `busybox@sha256:${'a'.repeat(64)}`,
      'docker.io/bitnami/nginx:1.25.3',
      'ghcr.io/acme/worker:2.0',
      'quay.io/prometheus/node-exporter:v1.7.0',
    ]);
  });

  test('v1 requirements.yaml dependencies kept', async () => {
    const archive = buildArchive([
      { path: 'legacy/Chart.yaml', content: 'name: legacy\nversion: 0.1.0\n' },
      { path: 'legacy/requirements.yaml', content: 'dependencies:\n  - name: mariadb\n    version: 7.x.x\n    repository: https://charts.example.com\n' },
    ]);
    assert.equal((await post('uploads/charts', archive)).status, 201);
    const row = await wharf.services.db.prisma.chartVersion.findFirstOrThrow({ where: { name: 'legacy' } });
    assert.deepEqual((row.details as { dependencies: unknown[] }).dependencies, [{ name: 'mariadb', version: '7.x.x', repository: 'https://charts.example.com' }]);
    assert.equal((row.entry as { apiVersion: string }).apiVersion, 'v1');
    // Helm's loader puts requirements.yaml's list into the metadata, so index.yaml lists it too.
    assert.deepEqual((row.entry as { dependencies: unknown[] }).dependencies, [{ name: 'mariadb', version: '7.x.x', repository: 'https://charts.example.com' }]);
  });
});
