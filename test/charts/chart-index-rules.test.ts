import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildChart } from './support/build-chart.ts';
import { loadHelmIndex, loadWharfIndex, resolveChartUrl } from './support/helm-index-rules.ts';

const INDEXES = path.resolve(import.meta.dirname, '../../../shared/fixtures/helm/indexes');
const SKIP_INDEXES = existsSync(INDEXES) ? false : `Helm index fixtures not found at ${INDEXES}`;

/** A Chart.yaml that sets every field Helm's metadata has. */
const EVERY_FIELD = `apiVersion: v2
name: everything
version: 2.3.4-beta.1+build.9
kubeVersion: ">=1.22.0-0"
description: "Line\\tone\\u0007 and two"
type: application
keywords: [web, "1.10"]
home: https://example.com/everything
sources: [https://github.com/example/everything]
dependencies:
  - name: redis
    version: 17.x
    repository: https://charts.example.com
    condition: redis.enabled
    tags: [cache]
    enabled: true
    import-values: [data]
    alias: cache
maintainers:
  - name: Ops
    email: ops@example.com
    url: https://example.com/ops
icon: https://example.com/icon.png
appVersion: "1.10"
deprecated: true
annotations:
  category: Database
  artifacthub.io/license: Apache-2.0
condition: everything.enabled
tags: frontend
`;

describe('index loader rules', () => {
  describe('the loader check itself', () => {
    test('Helm fixture indexes load', { skip: SKIP_INDEXES }, () => {
      const yaml = loadHelmIndex(readFileSync(path.join(INDEXES, 'local-index.yaml')));
      assert.equal(yaml.format, 'yaml');
      assert.deepEqual(Object.keys(yaml.entries).sort(), ['alpine', 'chartWithNoURL', 'nginx']);
      assert.equal(yaml.entries.nginx!.length, 2);

      const json = loadHelmIndex(readFileSync(path.join(INDEXES, 'local-index.json')));
      assert.equal(json.format, 'json');
      assert.ok(json.entries.nginx);

      // ChartMuseum writes serverInfo, which Helm declares so that strict decoding accepts it.
      const chartmuseum = loadHelmIndex(readFileSync(path.join(INDEXES, 'chartmuseum-index.yaml')));
      assert.ok(chartmuseum.entries.nginx);

      // Helm's own downloader test resolves a chart from this index; only its repository URL is malformed.
      const malformed = loadHelmIndex(readFileSync(path.join(INDEXES, 'malformed-index.yaml')));
      assert.deepEqual(Object.keys(malformed.entries), ['alpine']);
    });

    const fatal: [string, string, RegExp][] = [
      ['empty body', '', /empty index/],
      ['missing apiVersion', 'entries: {}\n', /no API version/],
      ['unknown top-level key', 'apiVersion: v1\nentries: {}\nextra: 1\n', /unknown field "extra"/],
      ['unknown version key', 'apiVersion: v1\nentries:\n  a:\n    - name: a\n      version: 1.0.0\n      size: 3\n', /unknown field "size"/],
      ['unknown maintainer key', 'apiVersion: v1\nentries:\n  a:\n    - name: a\n      version: 1.0.0\n      maintainers:\n        - name: x\n          phone: "1"\n', /unknown field "phone"/],
      ['duplicate key', 'apiVersion: v1\nentries:\n  a:\n    - name: a\n      name: b\n      version: 1.0.0\n', /invalid YAML/],
      ['numeric annotation', 'apiVersion: v1\nentries:\n  a:\n    - name: a\n      version: 1.0.0\n      annotations:\n        n: 1\n', /annotations must be of type stringMap/],
      ['JSON number version', '{"apiVersion":"v1","entries":{"a":[{"name":"a","version":1}]}}', /version must be of type string/],
      ['bad generated time', 'apiVersion: v1\ngenerated: yesterday\nentries: {}\n', /generated must be of type time/],
    ];
    for (const [label, body, message] of fatal) {
      test(`${label} fails the load`, () => {
        assert.throws(() => loadHelmIndex(Buffer.from(body)), message);
      });
    }

    test('JSON ignores unknown fields', () => {
      const index = loadHelmIndex(Buffer.from('{"apiVersion":"v1","extra":true,"entries":{"a":[{"name":"a","version":"1.0.0","size":3}]}}'));
      assert.equal(index.entries.a!.length, 1);
    });

    const skipped: [string, string][] = [
      ['name with slash', 'name: team/a\n      version: 1.0.0'],
      ['name ..', 'name: ".."\n      version: 1.0.0'],
      ['four-part version', 'name: a\n      version: 1.2.3.4'],
      ['leading-zero pre-release', 'name: a\n      version: 1.0.0-03173138'],
      ['type foobar', 'name: a\n      version: 1.0.0\n      type: foobar'],
      ['invalid alias', 'name: a\n      version: 1.0.0\n      dependencies:\n        - name: b\n          alias: b.c'],
    ];
    for (const [label, fields] of skipped) {
      test(`entry with ${label} skipped`, () => {
        const index = loadHelmIndex(Buffer.from(`apiVersion: v1\nentries:\n  a:\n    - ${fields}\n    - name: a\n      version: 0.1.0\n`));
        assert.equal(index.skipped.length, 1, `skipped: ${index.skipped.join('; ')}`);
        assert.deepEqual(index.entries.a!.map((entry) => entry.version), ['0.1.0']);
        assert.throws(() => loadWharfIndex(Buffer.from(`apiVersion: v1\nentries:\n  a:\n    - ${fields}\n`)), /skip/);
      });
    }

    test('entry without apiVersion reads as v1', () => {
      const index = loadHelmIndex(Buffer.from('apiVersion: v1\nentries:\n  a:\n    - name: a\n      version: v1.2\n'));
      assert.equal(index.entries.a![0]!.apiVersion, 'v1');
    });

    test('URL resolution keeps the query', () => {
      assert.equal(resolveChartUrl('http://example.com/helm', 'charts/foo-1.2.3.tgz'), 'http://example.com/helm/charts/foo-1.2.3.tgz');
      assert.equal(resolveChartUrl('http://example.com/helm/', 'bar-1.2.3.tgz'), 'http://example.com/helm/bar-1.2.3.tgz');
      assert.equal(resolveChartUrl('http://example.com/helm', '/path/to/baz-1.2.3.tgz'), 'http://example.com/path/to/baz-1.2.3.tgz');
      assert.equal(resolveChartUrl('http://example.com?key=value', 'alpine-1.2.3.tgz'), 'http://example.com/alpine-1.2.3.tgz?key=value');
    });
  });

  describe("Wharf's index", () => {
    let wharf: TestWharf;
    const fetchBody = async (suffix: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${wharf.url}${suffix}`, { headers });
      assert.equal(response.status, 200, suffix);
      return Buffer.from(await response.arrayBuffer());
    };

    before(async () => {
      wharf = await startTestWharf();
      await wharf.services.projects.create('rules', { public: true });
      await wharf.services.projects.create('vacant', { public: true });
      for (const [archive, name] of [[buildChart('everything', '2.3.4-beta.1+build.9', { chartYaml: EVERY_FIELD }), 'everything'], [buildChart('plain', '1.0.0'), 'plain']] as const) {
        const response = await fetch(`${wharf.url}/api/chartrepo/rules/charts`, {
          method: 'POST',
          headers: { authorization: wharf.adminAuth, 'content-type': 'application/octet-stream' },
          body: archive,
        });
        assert.equal(response.status, 201, `${name}: ${await response.text()}`);
      }
    });
    after(async () => {
      await wharf.close();
    });

    test('every Chart.yaml field listed', async () => {
      const index = loadWharfIndex(await fetchBody('/chartrepo/rules/index.yaml'));
      const entry = index.entries.everything![0]!;
      assert.deepEqual(Object.keys(entry).sort(), [
        'annotations', 'apiVersion', 'appVersion', 'condition', 'created', 'dependencies', 'deprecated', 'description', 'digest',
        'home', 'icon', 'keywords', 'kubeVersion', 'maintainers', 'name', 'sources', 'tags', 'type', 'urls', 'version',
      ]);
      assert.equal(entry.name, 'everything');
      assert.equal(entry.version, '2.3.4-beta.1+build.9');
      assert.equal(entry.apiVersion, 'v2');
      assert.equal(entry.kubeVersion, '>=1.22.0-0');
      assert.equal(entry.description, 'Line one and two', 'whitespace is not normalised or a control character kept');
      assert.equal(entry.type, 'application');
      assert.deepEqual(entry.keywords, ['web', '1.10']);
      assert.equal(entry.home, 'https://example.com/everything');
      assert.deepEqual(entry.sources, ['https://github.com/example/everything']);
      assert.deepEqual(entry.dependencies, [
        { name: 'redis', version: '17.x', repository: 'https://charts.example.com', condition: 'redis.enabled', tags: ['cache'], enabled: true, 'import-values': ['data'], alias: 'cache' },
      ]);
      assert.deepEqual(entry.maintainers, [{ name: 'Ops', email: 'ops@example.com', url: 'https://example.com/ops' }]);
      assert.equal(entry.icon, 'https://example.com/icon.png');
      assert.equal(entry.appVersion, '1.10');
      assert.equal(entry.deprecated, true);
      assert.deepEqual(entry.annotations, { category: 'Database', 'artifacthub.io/license': 'Apache-2.0' });
      assert.equal(entry.condition, 'everything.enabled');
      assert.equal(entry.tags, 'frontend');
      assert.deepEqual(entry.urls, ['charts/everything-2.3.4-beta.1%2Bbuild.9.tgz']);
    });

    test('top level holds known keys', async () => {
      const body = await fetchBody('/chartrepo/rules/index.yaml');
      const keys = body.toString('utf8').split('\n').filter((line) => /^\S/.test(line)).map((line) => line.split(':')[0]);
      assert.deepEqual(keys, ['apiVersion', 'entries', 'generated']);
      assert.equal(loadWharfIndex(body).apiVersion, 'v1');
    });

    test('empty project index loads', async () => {
      const body = await fetchBody('/chartrepo/vacant/index.yaml');
      assert.ok(body.length > 0);
      assert.deepEqual(loadWharfIndex(body).entries, {});
      assert.deepEqual(loadWharfIndex(await fetchBody('/chartrepo/vacant/index.yaml', { accept: 'application/json' })).entries, {});
    });

    test('JSON variant matches YAML', async () => {
      const yaml = loadWharfIndex(await fetchBody('/chartrepo/rules/index.yaml'));
      const json = loadWharfIndex(await fetchBody('/chartrepo/rules/index.json'));
      assert.equal(json.format, 'json');
      assert.deepEqual(json.entries, yaml.entries);
    });

    test('downloads resolve with a query', async () => {
      const index = loadWharfIndex(await fetchBody('/chartrepo/rules/index.yaml'));
      const url = resolveChartUrl(`${wharf.url}/chartrepo/rules?source=helm`, (index.entries.plain![0]!.urls as string[])[0]!);
      assert.equal(url, `${wharf.url}/chartrepo/rules/charts/plain-1.0.0.tgz?source=helm`);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/gzip');
    });

    test('merged entry names load', async () => {
      const merged = loadWharfIndex(await fetchBody('/chartrepo/index.yaml'));
      assert.equal(merged.entries['rules/everything']![0]!.name, 'everything');
      assert.deepEqual(merged.entries['rules/everything']![0]!.urls, ['rules/charts/everything-2.3.4-beta.1%2Bbuild.9.tgz']);
    });
  });
});
