import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCommand } from '../../api/cli/commands/index.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { expectError, expectStatus, OCI_MANIFEST, RegistryClient } from '../support/registry-client.ts';
import { allAdvisories } from './support/advisories.ts';
import { debianLayers } from './support/images.ts';
import { buildImageFromLayers, waitForScanJobs } from './support/push.ts';
import { buildZip } from './support/zip.ts';

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

    const imported = await runCommand(['vulndb', 'import', advisoryDir], wharf.services, (line) => lines.push(line));
    const again = await runCommand(['vulndb', 'import', advisoryDir], wharf.services);

    assert.equal(imported.exitCode, 0, imported.output);
    assert.equal(
      imported.output,
      `read 7 documents: 7 added, 0 updated, 0 unchanged, 0 invalid\nadvisory database is now version 1; 0 scanned artifacts queued for a rescan\n`,
    );
    assert.equal(again.output, 'read 7 documents: 0 added, 0 updated, 7 unchanged, 0 invalid\nnothing changed; advisory database stays at version 1\n');
    assert.equal(await wharf.services.db.prisma.advisory.count(), 7);
    assert.equal(await wharf.services.scan.advisories.currentVersion(), 1);
  });

  test('vulnerable Debian image is blocked until allowlisted', async (t) => {
    const debian = debianLayers();
    if (!debian) {
      t.skip('this machine is not Debian 12 with libc6 installed');
      return;
    }
    const project = await wharf.services.projects.create('secure', { public: false });
    await wharf.services.scan.settings.update(project.id, { scanOnPush: true, preventSeverity: 'Medium' });
    const image = await buildImageFromLayers([debian.lower]);

    await registry.pushImage('secure/app', image, '1.0');
    const job = await waitForScanJobs(wharf, 'secure/app', image.digest);
    const report = await wharf.services.scan.reports.find((await wharf.services.scan.resolve('secure/app', '1.0')).id);
    const findings = report ? await wharf.services.scan.reports.findings(report.id) : [];
    const blocked = await registry.request('GET', '/v2/secure/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });
    const blockedErrors = await expectError(blocked, 403, 'DENIED');
    const head = await registry.request('HEAD', '/v2/secure/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });
    await wharf.services.scan.settings.allow(project.id, ['CVE-2026-4438']);
    const allowed = await registry.request('GET', '/v2/secure/app/manifests/1.0', { headers: { accept: OCI_MANIFEST } });

    assert.equal(job.status, 'succeeded', job.error ?? '');
    assert.equal(report?.status, 'succeeded');
    assert.equal(report?.advisoryDatabaseVersion, 1);
    assert.equal(report?.summary.Medium, 1);
    assert.equal(report?.summary.total, 1);
    assert.deepEqual(
      findings.map((finding) => [finding.advisoryId, finding.aliases, finding.packageName, finding.installedVersion, finding.fixedVersion, finding.severity]),
      [['DEBIAN-CVE-2026-4438', ['CVE-2026-4438'], 'libc6', '2.36-9+deb12u13', '2.36-9+deb12u14', 'Medium']],
    );
    assert.match(blockedErrors[0]!.message, /CVE-2026-4438 \(Medium\) in libc6 2\.36-9\+deb12u13, fixed in 2\.36-9\+deb12u14/);
    assert.match(blockedErrors[0]!.message, /blocks pulls of images with Medium or more severe vulnerabilities/);
    assert.equal(head.status, 200);
    await expectStatus(allowed, 200, 'GET after allowlisting');
    assert.deepEqual(Buffer.from(await allowed.arrayBuffer()), image.manifest);
  });
});
