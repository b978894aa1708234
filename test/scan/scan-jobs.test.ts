import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCommand } from '../../api/cli/commands/index.ts';
import { USE_PGLITE } from '../support/database.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildIndex, OCI_INDEX, RegistryClient } from '../support/registry-client.ts';
import { allAdvisories, npmLodash } from './support/advisories.ts';
import { alpineLayer, nodeAppLayer, pythonLayer } from './support/images.ts';
import { buildImageFromLayers, waitForScanJobs } from './support/push.ts';

describe('scan jobs', () => {
  let wharf: TestWharf;
  let registry: RegistryClient;
  let advisoryDir: string;

  before(async () => {
    wharf = await startTestWharf();
    registry = new RegistryClient(wharf.url, wharf.adminAuth);
    advisoryDir = await mkdtemp(path.join(tmpdir(), 'wharf-osv-'));
    await writeFile(path.join(advisoryDir, 'advisories.json'), JSON.stringify(allAdvisories));
    await runCommand(['vulndb', 'import', advisoryDir], wharf.services);
    await wharf.services.projects.create('apps', { public: false });
  });
  after(async () => {
    await wharf.close();
    await rm(advisoryDir, { recursive: true, force: true });
  });

  test('index is scanned per platform', async () => {
    const alpine = await buildImageFromLayers([alpineLayer()], 'amd64');
    const app = await buildImageFromLayers([nodeAppLayer(), pythonLayer()], 'arm64');
    await registry.pushImage('apps/mixed', alpine);
    await registry.pushImage('apps/mixed', app);
    const index = buildIndex([alpine.descriptor, app.descriptor]);
    const indexBytes = Buffer.from(
      JSON.stringify({
        ...JSON.parse(index.toString()),
        manifests: [
          { ...alpine.descriptor, platform: { os: 'linux', architecture: 'amd64' } },
          { ...app.descriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    );
    await registry.pushManifest('apps/mixed', '1.0', indexBytes, OCI_INDEX);

    const result = await runCommand(['scan', 'apps/mixed:1.0'], wharf.services);

    assert.equal(result.exitCode, 0, result.output);
    const sections = result.output.split(/\n(?=apps\/mixed@)/);
    assert.equal(sections.length, 2);
    assert.match(sections[0]!, new RegExp(`^apps/mixed@${alpine.digest} \\(linux/amd64\\)\\n`));
    assert.match(sections[0]!, /Alpine Linux v3\.16, 3 packages/);
    assert.deepEqual(findingLines(sections[0]!), [
      'Unknown\tALPINE-CVE-2023-4408 CVE-2023-4408\tbind-libs 9.16.45-r0\tfixed in 9.16.48-r0',
      'Unknown\tALPINE-CVE-2023-4408 CVE-2023-4408\tbind-tools 9.16.45-r0\tfixed in 9.16.48-r0',
    ]);
    assert.match(sections[1]!, new RegExp(`^apps/mixed@${app.digest} \\(linux/arm64/v8\\)\\n`));
    // minimist 1.2.6 is the fixed version, urllib3 and @scope/tool have no advisory.
    assert.deepEqual(findingLines(sections[1]!), [
      'Critical\tGHSA-xvch-5gv4-984h CVE-2021-44906\tminimist 0.0.8\tfixed in 0.2.4',
      'High\tGHSA-35jh-r3h4-6jhm CVE-2021-23337\tlodash 4.17.20\tfixed in 4.17.21',
      'Medium\tGHSA-j8r2-6x86-q33q CVE-2023-32681 PYSEC-2023-74\trequests 2.28.1\tfixed in 2.31.0',
    ]);
  });

  test('JSON report download', async () => {
    const url = `${wharf.url}/api/scan/repositories/apps/mixed/artifacts/1.0/report`;

    const response = await fetch(url, { headers: { authorization: wharf.adminAuth } });
    const anonymous = await fetch(url);
    const missing = await fetch(`${wharf.url}/api/scan/repositories/apps/mixed/artifacts/2.0/report`, { headers: { authorization: wharf.adminAuth } });

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="apps_mixed-sha256-[0-9a-f]{64}-vulnerabilities\.json"$/);
    const body = (await response.json()) as { manifests: { platform: string; report: { summary: { total: number } }; vulnerabilities: { advisoryId: string }[] }[] };
    assert.deepEqual(
      body.manifests.map((manifest) => [manifest.platform, manifest.report.summary.total, manifest.vulnerabilities.map((item) => item.advisoryId)]),
      [
        ['linux/amd64', 2, ['ALPINE-CVE-2023-4408', 'ALPINE-CVE-2023-4408']],
        ['linux/arm64/v8', 3, ['GHSA-xvch-5gv4-984h', 'GHSA-35jh-r3h4-6jhm', 'GHSA-j8r2-6x86-q33q']],
      ],
    );
    assert.equal(anonymous.status, 404);
    assert.equal(missing.status, 404);
  });

  test('changed advisories rescan images', async () => {
    const before = await wharf.services.scan.advisories.currentVersion();
    const changed = allAdvisories.map((advisory) => (advisory.id === npmLodash.id ? { ...advisory, summary: 'Command injection in lodash template' } : advisory));
    await writeFile(path.join(advisoryDir, 'advisories.json'), JSON.stringify(changed));

    const result = await runCommand(['vulndb', 'import', advisoryDir], wharf.services);
    const artifacts = await wharf.services.db.prisma.artifact.findMany({ where: { repository: { name: 'apps/mixed' }, scanReport: { isNot: null } }, select: { digest: true } });
    for (const artifact of artifacts) await waitForScanJobs(wharf, 'apps/mixed', artifact.digest);
    const reports = await wharf.services.db.prisma.scanReport.findMany({ where: { artifact: { repository: { name: 'apps/mixed' } } }, select: { advisoryDatabaseVersion: true } });
    const lodash = await wharf.services.db.prisma.scanVulnerability.findMany({ where: { advisoryId: npmLodash.id }, select: { summary: true } });

    assert.equal(before, 1);
    assert.equal(result.output, `read 7 documents: 0 added, 1 updated, 6 unchanged, 0 invalid\nadvisory database is now version 2; 2 scanned artifacts queued for a rescan\n`);
    assert.equal(artifacts.length, 2);
    assert.deepEqual(reports.map((report) => report.advisoryDatabaseVersion), [2, 2]);
    assert.deepEqual(lodash, [{ summary: 'Command injection in lodash template' }]);
  });

  test('claims skip locked jobs', async () => {
    const { queue } = wharf.services.scan;
    await wharf.services.scan.worker.stop();
    const artifacts = await wharf.services.db.prisma.artifact.findMany({ where: { repository: { name: 'apps/mixed' } }, select: { id: true } });
    const jobIds = await Promise.all(artifacts.map((artifact) => queue.enqueue(artifact.id, 'manual')));

    const claims = await Promise.all(jobIds.map((_, index) => queue.claim(`worker-${index}`)));

    const claimed = claims.map((claim) => claim?.id).sort((a, b) => a! - b!);
    assert.deepEqual(claimed, [...jobIds].sort((a, b) => a - b));
    assert.equal(await queue.claim('late-worker'), undefined);
    for (const id of jobIds) await queue.finish(id);
    wharf.services.scan.worker.start();
  });

  test('another instance takes over', { skip: USE_PGLITE ? 'two instances need PostgreSQL' : false }, async () => {
    const { queue } = wharf.services.scan;
    await wharf.services.scan.worker.stop();
    const artifact = await wharf.services.scan.resolve('apps/mixed', '1.0');
    const jobId = await queue.enqueue(artifact.id, 'manual');
    // A worker that claimed the job and stopped: its lease runs out.
    await queue.claim('stopped-worker', jobId);
    await wharf.services.db.prisma.scanJob.update({ where: { id: jobId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });

    const second = await startTestWharf({}, { shareWith: wharf });
    try {
      const state = await second.services.scan.waitForJob(jobId, 60_000);
      const job = await wharf.services.db.prisma.scanJob.findUniqueOrThrow({ where: { id: jobId } });

      assert.equal(state.status, 'succeeded');
      assert.equal(job.attempts, 2);
      assert.notEqual(job.worker, 'stopped-worker');
    } finally {
      await second.close();
      wharf.services.scan.worker.start();
    }
  });

  test('index push scans each platform once', async () => {
    const project = await wharf.services.projects.create('auto', { public: false });
    await wharf.services.scan.settings.update(project.id, { scanOnPush: true });
    const alpine = await buildImageFromLayers([alpineLayer('3.16.9')], 'amd64');
    const app = await buildImageFromLayers([nodeAppLayer()], 'arm64');

    await registry.pushImage('auto/mixed', alpine);
    await registry.pushImage('auto/mixed', app);
    await registry.pushManifest('auto/mixed', '1.0', buildIndex([alpine.descriptor, app.descriptor]), OCI_INDEX);
    const index = await wharf.services.scan.resolve('auto/mixed', '1.0');
    await waitForScanJobs(wharf, 'auto/mixed', index.digest);
    for (const image of [alpine, app]) await waitForScanJobs(wharf, 'auto/mixed', image.digest);
    const jobs = await wharf.services.db.prisma.scanJob.findMany({ where: { artifact: { repository: { name: 'auto/mixed' } } }, select: { artifactId: true, trigger: true, status: true } });
    const reports = await wharf.services.db.prisma.scanReport.findMany({ where: { artifact: { repository: { name: 'auto/mixed' } } }, select: { artifact: { select: { digest: true } }, total: true } });

    const platformJobs = jobs.filter((job) => job.artifactId !== index.id);
    assert.equal(platformJobs.length, 2, JSON.stringify(jobs));
    assert.ok(platformJobs.every((job) => job.status === 'succeeded' && job.trigger === 'push'));
    assert.deepEqual(jobs.filter((job) => job.artifactId === index.id).map((job) => job.status), ['succeeded']);
    assert.deepEqual(
      reports.map((report) => [report.artifact.digest, report.total]).sort(),
      [[alpine.digest, 2], [app.digest, 2]].sort(),
    );
  });
});

/** Lists the finding lines of one `scan` output section. */
function findingLines(section: string): string[] {
  return section.split('\n').filter((line) => /^ {2}(Critical|High|Medium|Low|Negligible|Unknown)\t/.test(line)).map((line) => line.trim());
}
