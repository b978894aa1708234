import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { DEFAULT_ARCHIVE_LIMITS } from '../../charts-repo/archive/read-chart-archive.ts';
import { ChartInvalidError } from '../../charts-repo/chart/chart-invalid-error.ts';
import { loadChart } from '../../charts-repo/chart/load-chart.ts';
import { buildArchive, buildChart, buildTar } from './support/build-chart.ts';

const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 1.0.0\n';

async function rejection(archive: Buffer, limits = DEFAULT_ARCHIVE_LIMITS): Promise<ChartInvalidError> {
  try {
    await loadChart(archive, limits);
  } catch (error) {
    assert.ok(error instanceof ChartInvalidError, `expected ChartInvalidError, got ${String(error)}`);
    return error;
  }
  assert.fail('the archive was accepted');
}

function withChartYaml(chartYaml: string): Buffer {
  return buildArchive([{ path: 'demo/Chart.yaml', content: chartYaml }]);
}

describe('chart archive validation', () => {
  test('valid chart is loaded', async () => {
    const chart = await loadChart(buildChart('demo', '1.2.3'));
    assert.equal(chart.metadata.name, 'demo');
    assert.equal(chart.metadata.version, '1.2.3');
    assert.equal(chart.metadata.apiVersion, 'v2');
    assert.deepEqual(chart.details.images, ['busybox:1.36', 'library/nginx:1.25']);
    assert.match(chart.digest, /^sha256:[0-9a-f]{64}$/);
  });

  test('missing apiVersion means v1', async () => {
    const chart = await loadChart(withChartYaml('name: demo\nversion: 1.0.0\n'));
    assert.equal(chart.metadata.apiVersion, 'v1');
  });

  test('numeric appVersion keeps its text', async () => {
    const chart = await loadChart(withChartYaml(`${CHART_YAML}appVersion: 1.10\n`));
    assert.equal(chart.metadata.appVersion, '1.10');
  });

  test('not gzip is rejected', async () => {
    const error = await rejection(Buffer.from('apiVersion: v2\nname: demo\n'));
    assert.match(error.message, /not gzip/);
  });

  test('gzip of something not tar is rejected', async () => {
    const error = await rejection(gzipSync(Buffer.from('hello, this is not a tar archive'.repeat(40))));
    assert.match(error.message, /not a valid tar/);
  });

  test('empty file is rejected', async () => {
    const error = await rejection(Buffer.alloc(0));
    assert.match(error.message, /empty/);
  });

  test('tar without files is rejected', async () => {
    const error = await rejection(gzipSync(buildTar([{ path: 'demo/', type: '5' }])));
    assert.match(error.message, /no files/);
  });

  test('missing Chart.yaml is rejected', async () => {
    const error = await rejection(buildArchive([{ path: 'demo/values.yaml', content: 'a: 1\n' }]));
    assert.match(error.message, /Chart\.yaml is missing/);
  });

  test('Chart.yaml at archive root is rejected', async () => {
    const error = await rejection(buildArchive([{ path: 'Chart.yaml', content: CHART_YAML }]));
    assert.match(error.message, /archive root/);
  });

  test('two top folders are rejected', async () => {
    const archive = buildArchive([
      { path: 'demo/Chart.yaml', content: CHART_YAML },
      { path: 'other/Chart.yaml', content: CHART_YAML },
    ]);
    const error = await rejection(archive);
    assert.match(error.message, /more than one top folder/);
  });

  for (const path of ['demo/../../etc/passwd', '../demo/Chart.yaml', 'demo/templates/../../x']) {
    test(`parent path ${path} is rejected`, async () => {
      const archive = buildArchive([{ path: 'demo/Chart.yaml', content: CHART_YAML }, { path, content: 'x' }]);
      const error = await rejection(archive);
      assert.match(error.message, /parent folder/);
    });
  }

  test('absolute path is rejected', async () => {
    const archive = buildArchive([{ path: '/etc/demo/Chart.yaml', content: CHART_YAML }]);
    const error = await rejection(archive);
    assert.match(error.message, /absolute path/);
  });

  test('drive-letter path is rejected', async () => {
    const archive = buildArchive([{ path: 'c:\\demo\\Chart.yaml', content: CHART_YAML }]);
    const error = await rejection(archive);
    assert.match(error.message, /drive-letter/);
  });

  test('symbolic link is rejected', async () => {
    const archive = buildArchive([
      { path: 'demo/Chart.yaml', content: CHART_YAML },
      { path: 'demo/values.yaml', type: '2', linkTarget: '/etc/passwd' },
    ]);
    const error = await rejection(archive);
    assert.match(error.message, /link/);
  });

  test('hard link is rejected', async () => {
    const archive = buildArchive([
      { path: 'demo/Chart.yaml', content: CHART_YAML },
      { path: 'demo/copy.yaml', type: '1', linkTarget: 'demo/Chart.yaml' },
    ]);
    const error = await rejection(archive);
    assert.match(error.message, /link/);
  });

  test('huge entry is rejected', async () => {
    const big = Buffer.alloc(DEFAULT_ARCHIVE_LIMITS.maxFileBytes + 1, 0x61);
    const archive = buildArchive([{ path: 'demo/Chart.yaml', content: CHART_YAML }, { path: 'demo/big.txt', content: big }]);
    const error = await rejection(archive);
    assert.equal(error.status, 413);
    assert.match(error.message, /per file/);
  });

  test('gzip bomb is rejected', async () => {
    // 200 MiB of zeros compress to about 200 KiB: under the archive limit, over the decompressed one.
    const zeros = Buffer.alloc(200 * 1024 * 1024);
    const bomb = gzipSync(Buffer.concat([buildTar([{ path: 'demo/Chart.yaml', content: CHART_YAML }]).subarray(0, 1024), zeros]));
    assert.ok(bomb.length < DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes);
    const error = await rejection(bomb);
    assert.equal(error.status, 413);
    assert.match(error.message, /decompressed chart is larger/);
  });

  test('archive over the size limit is rejected', async () => {
    const archive = buildChart('demo', '1.0.0');
    const error = await rejection(archive, { ...DEFAULT_ARCHIVE_LIMITS, maxArchiveBytes: archive.length - 1 });
    assert.equal(error.status, 413);
  });

  test('YAML bomb in Chart.yaml is rejected', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [previous, next] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) {
      bomb.push(`${next}: &${next} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const error = await rejection(withChartYaml(`${CHART_YAML}${bomb.join('\n')}\n`));
    assert.match(error.message, /alias|resource exhaustion/i);
  });

  test('YAML bomb in values.yaml is rejected', async () => {
    const bomb = 'a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n';
    const archive = buildArchive([{ path: 'demo/Chart.yaml', content: CHART_YAML }, { path: 'demo/values.yaml', content: bomb }]);
    const error = await rejection(archive);
    assert.match(error.message, /values\.yaml/);
  });

  const invalidCharts: [string, string, RegExp][] = [
    ['invalid YAML', 'name: [demo\nversion: 1.0.0\n', /not valid YAML/],
    ['duplicate key', 'apiVersion: v2\napiVersion: v1\nname: demo\nversion: 1.0.0\n', /not valid YAML/],
    ['apiVersion v3', 'apiVersion: v3\nname: demo\nversion: 1.0.0\n', /apiVersion "v3"/],
    ['missing name', 'apiVersion: v2\nversion: 1.0.0\n', /"name" is missing/],
    ['missing version', 'apiVersion: v2\nname: demo\n', /"version" is missing/],
    ['two-part version', 'apiVersion: v2\nname: demo\nversion: "1.2"\n', /not a SemVer 2/],
    ['v-prefixed version', 'apiVersion: v2\nname: demo\nversion: v1.2.3\n', /not a SemVer 2/],
    ['leading-zero pre-release', 'apiVersion: v2\nname: demo\nversion: 1.0.0-03173138\n', /not a SemVer 2/],
    ['unquoted numeric version', 'apiVersion: v2\nname: demo\nversion: 1.5\n', /must be a string/],
    ['name with slash', 'apiVersion: v2\nname: ../evil\nversion: 1.0.0\n', /path separator/],
    ['name with space', 'apiVersion: v2\nname: "my chart"\nversion: 1.0.0\n', /invalid/],
    ['type foobar', 'apiVersion: v2\nname: demo\nversion: 1.0.0\ntype: foobar\n', /type "foobar"/],
    ['bad alias', 'apiVersion: v2\nname: demo\nversion: 1.0.0\ndependencies:\n  - name: x\n    repository: ""\n    alias: "a.b"\n', /alias/],
    ['annotation list', 'apiVersion: v2\nname: demo\nversion: 1.0.0\nannotations:\n  a: [1]\n', /annotation "a"/],
  ];
  for (const [label, chartYaml, message] of invalidCharts) {
    test(`Chart.yaml with ${label} is rejected`, async () => {
      const error = await rejection(withChartYaml(chartYaml));
      assert.match(error.message, message);
    });
  }

  test('invalid values.schema.json is rejected', async () => {
    const archive = buildArchive([{ path: 'demo/Chart.yaml', content: CHART_YAML }, { path: 'demo/values.schema.json', content: '{"type":' }]);
    const error = await rejection(archive);
    assert.match(error.message, /values\.schema\.json/);
  });

  test('UTF-8 byte-order mark is stripped', async () => {
    const archive = buildArchive([{ path: 'demo/Chart.yaml', content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHART_YAML)]) }]);
    const chart = await loadChart(archive);
    assert.equal(chart.metadata.name, 'demo');
  });
});
