import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { expectError, OCI_MANIFEST, RegistryClient } from '../support/registry-client.ts';
import { graphql } from '../graphql/graphql-client.ts';
import { nodeAppLayer } from './support/images.ts';
import { startMockAdapter, type MockAdapter } from './support/mock-adapter.ts';
import { buildImageFromLayers, waitForScanJobs } from './support/push.ts';

describe('external scanner adapter', () => {
  let wharf: TestWharf;
  let registry: RegistryClient;
  let adapter: MockAdapter;

  before(async () => {
    wharf = await startTestWharf();
    registry = new RegistryClient(wharf.url, wharf.adminAuth);
    // CVE-2023-44487 (HTTP/2 rapid reset) was fixed in golang.org/x/net 0.17.0.
    adapter = await startMockAdapter([
      { id: 'CVE-2023-44487', package: 'golang.org/x/net', version: '0.7.0', fix_version: '0.17.0', severity: 'High' },
      { id: 'CVE-2023-39325', package: 'golang.org/x/net', version: '0.7.0', fix_version: '0.17.0', severity: 'Sparkly' },
    ]);
  });
  after(async () => {
    await wharf.close();
    await adapter.close();
  });

  test('adapter report becomes the report', async () => {
    await wharf.services.projects.create('ext', { public: false });
    const configured = await graphql(wharf, `mutation { setExternalScanner(url: "${adapter.url}/") }`, {}, wharf.adminAuth);
    await graphql(wharf, 'mutation { updateProjectScanSettings(project: "ext", scanOnPush: true, preventSeverity: "High") { scanOnPush } }', {}, wharf.adminAuth);
    const image = await buildImageFromLayers([nodeAppLayer()]);

    await registry.pushImage('ext/app', image, '1.0');
    const job = await waitForScanJobs(wharf, 'ext/app', image.digest, 30_000);
    const report = await graphql(
      wharf,
      '{ vulnerabilityReport(repository: "ext/app", reference: "1.0") { status scanner scannerVersion summary { high unknown total } vulnerabilities { id packageName installedVersion fixedVersion severity layerDigest } } }',
      {},
      wharf.adminAuth,
    );
    const pull = await registry.request('GET', '/v2/ext/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });
    const errors = await expectError(pull, 403, 'DENIED');

    assert.deepEqual(configured.data, { setExternalScanner: adapter.url });
    assert.equal(job.status, 'succeeded', job.error ?? '');
    const firstLayer = JSON.parse(image.manifest.toString()).layers[0].digest as string;
    assert.deepEqual(report.data?.vulnerabilityReport, {
      status: 'succeeded',
      scanner: 'MockTrivy',
      scannerVersion: '0.50.0',
      summary: { high: 1, unknown: 1, total: 2 },
      vulnerabilities: [
        { id: 'CVE-2023-44487', packageName: 'golang.org/x/net', installedVersion: '0.7.0', fixedVersion: '0.17.0', severity: 'High', layerDigest: firstLayer },
        // A severity outside Harbor's scale is reported as Unknown.
        { id: 'CVE-2023-39325', packageName: 'golang.org/x/net', installedVersion: '0.7.0', fixedVersion: '0.17.0', severity: 'Unknown', layerDigest: firstLayer },
      ],
    });
    assert.match(errors[0]!.message, /CVE-2023-44487 \(High\) in golang\.org\/x\/net 0\.7\.0, fixed in 0\.17\.0/);

    const metadata = adapter.requests.find((request) => request.path === '/api/v1/metadata');
    assert.equal(metadata?.headers.accept, 'application/vnd.scanner.adapter.metadata+json; version=1.0');
    const scan = adapter.requests.find((request) => request.method === 'POST');
    assert.equal(scan?.headers['content-type'], 'application/vnd.scanner.adapter.scan.request+json; version=1.0');
    const body = JSON.parse(scan!.body) as { registry: { url: string; authorization: string }; artifact: Record<string, string> };
    assert.equal(body.registry.url, wharf.services.config.externalUrl);
    assert.match(body.registry.authorization, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.deepEqual(body.artifact, { repository: 'ext/app', digest: image.digest, mime_type: OCI_MANIFEST });
    const polls = adapter.requests.filter((request) => request.path.endsWith('/report'));
    assert.ok(polls.length >= 2, `polled ${polls.length} times`);
    assert.equal(polls[0]!.headers.accept, 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0');
  });

  test('scanner token pulls one repository', async () => {
    const authorization = await wharf.services.scan.scannerCredentials.authorizationFor('ext/app');
    const other = await wharf.services.projects.create('other', { public: false });
    await registry.pushImage('other/app', await buildImageFromLayers([nodeAppLayer()]), '1.0');

    const own = await fetch(`${wharf.url}/v2/ext/app/manifests/1.0`, { headers: { authorization, accept: OCI_MANIFEST } });
    const elsewhere = await fetch(`${wharf.url}/v2/other/app/manifests/1.0`, { headers: { authorization, accept: OCI_MANIFEST } });

    assert.ok(other.id > 0);
    assert.equal(own.status, 200);
    assert.equal(elsewhere.status, 401);
  });

  test('unreachable adapter fails the scan', async () => {
    await graphql(wharf, 'mutation { setExternalScanner(url: "http://127.0.0.1:9") }', {}, wharf.adminAuth);
    const image = await buildImageFromLayers([nodeAppLayer()], 'arm64');

    await registry.pushImage('ext/app', image, '2.0');
    const job = await waitForScanJobs(wharf, 'ext/app', image.digest, 30_000);
    const pull = await registry.request('GET', '/v2/ext/app/manifests/2.0', { headers: { accept: OCI_MANIFEST } });
    const errors = await expectError(pull, 403, 'DENIED');

    assert.equal(job.status, 'failed');
    assert.match(job.error ?? '', /scanner adapter at http:\/\/127\.0\.0\.1:9 is unreachable/);
    assert.match(errors[0]!.message, /its scan failed \(scanner adapter at http:\/\/127\.0\.0\.1:9 is unreachable/);
  });
});
