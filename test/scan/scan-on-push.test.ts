import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { runCommand } from '../../api/cli/commands/index.ts';
import { USE_PGLITE } from '../support/database.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { expectError, expectStatus, OCI_MANIFEST, RegistryClient } from '../support/registry-client.ts';
import { allAdvisories } from './support/advisories.ts';
import { debianLayers } from './support/images.ts';
import { buildImageFromLayers, waitForScanJobs } from './support/push.ts';
import { buildZip } from './support/zip.ts';
import { graphql } from '../graphql/graphql-client.ts';

const run = promisify(execFile);

describe('scan on push and pull policy', () => {
  let wharf: TestWharf;
  let registry: RegistryClient;
  let advisoryDir: string;

  before(async () => {
    wharf = await startTestWharf();
    registry = new RegistryClient(wharf.url, wharf.adminAuth);
    advisoryDir = await mkdtemp(path.join(tmpdir(), 'wharf-osv-'));
  });
  after(async () => {
    await wharf.close();
    await rm(advisoryDir, { recursive: true, force: true });
  });

  test('vulndb import is idempotent', async () => {
    const [first, ...rest] = allAdvisories;
    await writeFile(path.join(advisoryDir, `${first!.id}.json`), JSON.stringify(first));
    await writeFile(path.join(advisoryDir, 'all.zip'), buildZip(rest.map((advisory) => ({ name: `${advisory.id}.json`, content: JSON.stringify(advisory) }))));
    const lines: string[] = [];

    const imported = await runCommand(['vulndb', 'import', advisoryDir], wharf.services);
    const again = await runCommand(['vulndb', 'import', advisoryDir], wharf.services);
    const third = await wharf.services.scan.advisories.importFrom(advisoryDir, (line) => lines.push(line), 3);

    assert.equal(imported.exitCode, 0, imported.output);
    assert.equal(
      imported.output,
      `read 7 documents: 7 added, 0 updated, 0 unchanged, 0 invalid\nadvisory database is now version 1; 0 scanned artifacts queued for a rescan\n`,
    );
    assert.equal(again.output, 'read 7 documents: 0 added, 0 updated, 7 unchanged, 0 invalid\nnothing changed; advisory database stays at version 1\n');
    assert.deepEqual(lines, [
      'read 3 documents: 0 added, 0 updated, 3 unchanged, 0 invalid\n',
      'read 6 documents: 0 added, 0 updated, 6 unchanged, 0 invalid\n',
    ]);
    assert.equal(third.unchanged, 7);
    assert.equal(third.version, 1);
    assert.equal(await wharf.services.db.prisma.advisory.count(), 7);
    assert.equal(await wharf.services.scan.advisories.currentVersion(), 1);
  });

  test('vulnerable Debian image is blocked until allowlisted', async (t) => {
    const debian = debianLayers();
    if (!debian) {
      t.skip('this machine is not Debian 12 with libc6 installed');
      return;
    }
    await wharf.services.projects.create('secure', { public: false });
    const settings = await graphql(
      wharf,
      'mutation { updateProjectScanSettings(project: "secure", scanOnPush: true, preventSeverity: "medium") { scanOnPush preventSeverity } }',
      {},
      wharf.adminAuth,
    );
    const image = await buildImageFromLayers([debian.lower]);

    await registry.pushImage('secure/app', image, '1.0');
    const job = await waitForScanJobs(wharf, 'secure/app', image.digest);
    const report = await graphql(
      wharf,
      `{ vulnerabilityReport(repository: "secure/app", reference: "1.0") {
          status advisoryDatabaseVersion operatingSystem sbomDigest
          summary { critical high medium low negligible unknown total fixable }
          vulnerabilities { id cve aliases packageName installedVersion fixedVersion severity cvssScore layerDigest path } } }`,
      {},
      wharf.adminAuth,
    );
    const viaArtifact = await graphql(
      wharf,
      '{ artifact(repository: "secure/app", reference: "1.0") { scan { status medium total } vulnerabilityReport { vulnerabilities { cve fixedVersion } } } }',
      {},
      wharf.adminAuth,
    );
    const blocked = await registry.request('GET', '/v2/secure/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });
    const blockedErrors = await expectError(blocked, 403, 'DENIED');
    const head = await registry.request('HEAD', '/v2/secure/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });
    const allowlisted = await graphql(wharf, 'mutation { allowCves(project: "secure", cveIds: ["CVE-2026-4438"]) { cveId } }', {}, wharf.adminAuth);
    const allowed = await registry.request('GET', '/v2/secure/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });

    assert.deepEqual(settings.data, { updateProjectScanSettings: { scanOnPush: true, preventSeverity: 'Medium' } });
    assert.equal(job.status, 'succeeded', job.error ?? '');
    assert.equal(report.errors, undefined);
    const view = report.data!.vulnerabilityReport;
    assert.equal(view.status, 'succeeded');
    assert.equal(view.advisoryDatabaseVersion, 1);
    assert.equal(view.operatingSystem, 'Debian GNU/Linux 12 (bookworm)');
    assert.deepEqual(view.summary, { critical: 0, high: 0, medium: 1, low: 0, negligible: 0, unknown: 0, total: 1, fixable: 1 });
    assert.deepEqual(view.vulnerabilities, [
      {
        id: 'DEBIAN-CVE-2026-4438',
        cve: 'CVE-2026-4438',
        aliases: ['CVE-2026-4438'],
        packageName: 'libc6',
        installedVersion: '2.36-9+deb12u13',
        fixedVersion: '2.36-9+deb12u14',
        severity: 'Medium',
        cvssScore: 5.4,
        layerDigest: JSON.parse(image.manifest.toString()).layers[0].digest,
        path: 'var/lib/dpkg/status',
      },
    ]);
    assert.deepEqual(viaArtifact.data, {
      artifact: {
        scan: { status: 'SUCCEEDED', medium: 1, total: 1 },
        vulnerabilityReport: { vulnerabilities: [{ cve: 'CVE-2026-4438', fixedVersion: '2.36-9+deb12u14' }] },
      },
    });
    assert.match(blockedErrors[0]!.message, /CVE-2026-4438 \(Medium\) in libc6 2\.36-9\+deb12u13, fixed in 2\.36-9\+deb12u14/);
    assert.match(blockedErrors[0]!.message, /blocks pulls of images with Medium or more severe vulnerabilities/);
    assert.equal(head.status, 200);
    assert.deepEqual(allowlisted.data, { allowCves: [{ cveId: 'CVE-2026-4438' }] });
    await expectStatus(allowed, 200, 'GET after allowlisting');
    assert.deepEqual(Buffer.from(await allowed.arrayBuffer()), image.manifest);

    // The SBOM is a referrer of the image.
    const referrers = await registry.getJson<{ manifests: { digest: string; artifactType: string }[] }>(`/v2/secure/app/referrers/${image.digest}`);
    assert.deepEqual(referrers.manifests.map((manifest) => [manifest.digest, manifest.artifactType]), [[view.sbomDigest, 'application/vnd.cyclonedx+json']]);
  });

  test('system allowlist and expiry', async (t) => {
    const debian = debianLayers();
    if (!debian) {
      t.skip('this machine is not Debian 12 with libc6 installed');
      return;
    }
    await wharf.services.projects.create('strict', { public: false });
    await graphql(wharf, 'mutation { updateProjectScanSettings(project: "strict", scanOnPush: true, preventSeverity: "Low") { scanOnPush } }', {}, wharf.adminAuth);
    const image = await buildImageFromLayers([debian.lower]);
    await registry.pushImage('strict/app', image, '1.0');
    await waitForScanJobs(wharf, 'strict/app', image.digest);
    const pull = () => registry.request('GET', '/v2/strict/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });

    const expired = await graphql(wharf, 'mutation { allowCves(project: "strict", cveIds: ["CVE-2026-4438"], expiresAt: "2020-01-01T00:00:00Z") { cveId } }', {}, wharf.adminAuth);
    const withExpired = await pull();
    const system = await graphql(wharf, 'mutation { allowCves(cveIds: ["CVE-2026-4438"]) { cveId } }', {}, wharf.adminAuth);
    const withSystem = await pull();
    await graphql(wharf, 'mutation { disallowCves(cveIds: ["CVE-2026-4438"]) { cveId } }', {}, wharf.adminAuth);
    const afterRemoval = await pull();
    const listed = await graphql(wharf, '{ systemCveAllowlist { cveId } }', {}, wharf.adminAuth);

    assert.deepEqual(expired.data, { allowCves: [{ cveId: 'CVE-2026-4438' }] });
    await expectError(withExpired, 403, 'DENIED');
    assert.deepEqual(system.data, { allowCves: [{ cveId: 'CVE-2026-4438' }] });
    await expectStatus(withSystem, 200, 'GET with the system allowlist');
    await expectError(afterRemoval, 403, 'DENIED');
    assert.deepEqual(listed.data, { systemCveAllowlist: [] });
  });

  test('scan command in its own process', { skip: USE_PGLITE ? 'the CLI shares the database only on PostgreSQL' : false }, async (t) => {
    if (!debianLayers()) {
      t.skip('this machine is not Debian 12 with libc6 installed');
      return;
    }
    const env = { ...process.env, DATABASE_URL: wharf.databaseUrl!, WHARF_DATA_DIR: wharf.dataDir, WHARF_ADMIN_PASSWORD: 'unused-admin-password' };

    const result = await run(process.execPath, ['--import', 'tsx', 'api/cli/main.ts', 'scan', 'secure/app:1.0'], { env, timeout: 120_000 });

    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^secure\/app@sha256:[0-9a-f]{64}$/);
    assert.match(lines[1]!, /^ {2}scanner wharf \S+, advisory database version 1$/);
    assert.match(lines[2]!, /^ {2}Debian GNU\/Linux 12 \(bookworm\), \d+ packages$/);
    assert.equal(lines[3], '  1 vulnerabilities (1 fixable): Critical 0, High 0, Medium 1, Low 0, Negligible 0, Unknown 0');
    assert.equal(lines[4], '  Medium\tDEBIAN-CVE-2026-4438 CVE-2026-4438\tlibc6 2.36-9+deb12u13\tfixed in 2.36-9+deb12u14');
  });
});
