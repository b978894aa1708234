import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildImage, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basic, errorCode, graphql } from './graphql-client.ts';

const SET_QUOTA = 'mutation ($project: String!, $limit: SafeInt!) { setProjectQuota(project: $project, limit: $limit) { name quota { limit used } } }';
const VERIFY = 'mutation ($fix: Boolean) { verifyQuotas(fix: $fix) { project recorded actual } }';
const RUN_GC = `mutation ($dryRun: Boolean, $grace: String) {
  runGarbageCollection(dryRun: $dryRun, grace: $grace) {
    runId dryRun blobsDeleted bytesFreed orphanFiles candidateCount candidates { digest size }
  }
}`;
const GC_RUNS = '{ gcRuns(first: 5) { id trigger status dryRun graceSeconds blobsDeleted bytesFreed finishedAt } }';

describe('GraphQL quotas and garbage collection', () => {
  let wharf: TestWharf;
  let client: RegistryClient;
  let developer: string;

  before(async () => {
    wharf = await startTestWharf({ WHARF_GC_INTERVAL: '0', WHARF_RETENTION_INTERVAL: '0' });
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    const project = await wharf.services.projects.create('team', { public: false });
    const user = await wharf.services.users.create({ username: 'dev', password: 'dev-password' });
    await wharf.services.members.add(project.id, user.id, 'projectAdmin');
    developer = basic('dev', 'dev-password');
  });
  after(async () => {
    await wharf.close();
  });

  test('storage operations need system admin', async () => {
    const operations: [string, Record<string, unknown>][] = [
      [SET_QUOTA, { project: 'team', limit: 1 }],
      [VERIFY, { fix: true }],
      [RUN_GC, { dryRun: true, grace: '0s' }],
      [GC_RUNS, {}],
      ['{ defaultProjectQuota }', {}],
      ['mutation { setDefaultProjectQuota(limit: 1) }', {}],
    ];
    for (const [query, variables] of operations) {
      const anonymous = await graphql(wharf, query, variables);
      assert.equal(errorCode(anonymous), 'UNAUTHENTICATED', query);
      const member = await graphql(wharf, query, variables, developer);
      assert.equal(errorCode(member), 'FORBIDDEN', query);
      assert.match(member.errors![0]!.message, /only system administrators can/);
    }
    assert.equal((await wharf.services.quota.usage('team')).limit, -1);
    assert.equal(await wharf.services.quota.defaultLimit(), -1);
    assert.equal((await wharf.services.gc.history()).length, 0);
  });

  test('setProjectQuota sets the limit', async () => {
    await client.pushBlob('team/app', randomBytes(1500));
    const fiftyMiB = 50 * 1024 * 1024;

    const response = await graphql(wharf, SET_QUOTA, { project: 'team', limit: fiftyMiB }, wharf.adminAuth);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.equal(response.data?.setProjectQuota.name, 'team');
    assert.deepEqual(response.data?.setProjectQuota.quota, { limit: fiftyMiB, used: 1500 });
    assert.equal((await wharf.services.quota.usage('team')).limit, fiftyMiB);

    const member = await graphql(wharf, '{ project(name: "team") { quota { limit used } } }', {}, developer);
    assert.deepEqual(member.data?.project.quota, { limit: fiftyMiB, used: 1500 });

    const invalid = await graphql(wharf, SET_QUOTA, { project: 'team', limit: -5 }, wharf.adminAuth);
    assert.equal(errorCode(invalid), 'BAD_USER_INPUT');
    const missing = await graphql(wharf, SET_QUOTA, { project: 'nowhere', limit: 10 }, wharf.adminAuth);
    assert.equal(errorCode(missing), 'NOT_FOUND');

    const unlimited = await graphql(wharf, SET_QUOTA, { project: 'team', limit: -1 }, wharf.adminAuth);
    assert.equal(unlimited.data?.setProjectQuota.quota.limit, -1);
  });

  test('default quota applies to createProject', async () => {
    const set = await graphql(wharf, 'mutation { setDefaultProjectQuota(limit: 2048) }', {}, wharf.adminAuth);
    assert.equal(set.data?.setDefaultProjectQuota, 2048);
    const read = await graphql(wharf, '{ defaultProjectQuota }', {}, wharf.adminAuth);
    assert.equal(read.data?.defaultProjectQuota, 2048);

    const created = await graphql(wharf, 'mutation { createProject(input: { name: "capped" }) { name quota { limit used } } }', {}, developer);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    assert.deepEqual(created.data?.createProject.quota, { limit: 2048, used: 0 });

    const reset = await graphql(wharf, 'mutation { setDefaultProjectQuota(limit: -1) }', {}, wharf.adminAuth);
    assert.equal(reset.data?.setDefaultProjectQuota, -1);
  });

  test('verifyQuotas reports and fixes drift', async () => {
    await wharf.services.projects.create('drifting', { public: false });
    await client.pushBlob('drifting/app', randomBytes(700));
    await wharf.services.db.prisma.project.update({ where: { name: 'drifting' }, data: { storageUsed: 5 } });

    const report = await graphql(wharf, VERIFY, { fix: false }, wharf.adminAuth);
    assert.equal(report.errors, undefined, JSON.stringify(report.errors));
    assert.deepEqual(report.data?.verifyQuotas, [{ project: 'drifting', recorded: 5, actual: 700 }]);
    assert.equal((await wharf.services.quota.usage('drifting')).used, 5, 'verify without fix changed the usage');

    const fixed = await graphql(wharf, VERIFY, { fix: true }, wharf.adminAuth);
    assert.deepEqual(fixed.data?.verifyQuotas, [{ project: 'drifting', recorded: 5, actual: 700 }]);
    assert.equal((await wharf.services.quota.usage('drifting')).used, 700);

    const clean = await graphql(wharf, VERIFY, {}, wharf.adminAuth);
    assert.deepEqual(clean.data?.verifyQuotas, []);
  });

  test('runGarbageCollection dry run and sweep', async () => {
    const image = buildImage({ layerCount: 2 });
    await client.pushImage('team/gone', image, 'v1');
    const deleted = await client.request('DELETE', `/v2/team/gone/manifests/${image.digest}`);
    assert.equal(deleted.status, 202);
    const freed = [image.config, ...image.layers];
    const expectedBytes = freed.reduce((sum, bytes) => sum + bytes.length, 0);

    const dry = await graphql(wharf, RUN_GC, { dryRun: true, grace: '0s' }, wharf.adminAuth);
    assert.equal(dry.errors, undefined, JSON.stringify(dry.errors));
    const dryReport = dry.data?.runGarbageCollection;
    assert.equal(dryReport.dryRun, true);
    assert.equal(dryReport.blobsDeleted, 0);
    assert.equal(dryReport.candidateCount, freed.length);
    assert.equal(dryReport.bytesFreed, expectedBytes);
    assert.deepEqual(
      dryReport.candidates.map((candidate: { digest: string }) => candidate.digest).sort(),
      freed.map((bytes) => sha256(bytes)).sort(),
    );

    const withinGrace = await graphql(wharf, RUN_GC, {}, wharf.adminAuth);
    assert.equal(withinGrace.data?.runGarbageCollection.blobsDeleted, 0, 'the default 2h grace period did not keep new blobs');

    const real = await graphql(wharf, RUN_GC, { grace: '0s' }, wharf.adminAuth);
    const realReport = real.data?.runGarbageCollection;
    assert.equal(realReport.blobsDeleted, freed.length);
    assert.equal(realReport.bytesFreed, expectedBytes);
    assert.equal(realReport.candidateCount, 0);
    const pull = await client.request('GET', `/v2/team/gone/blobs/${sha256(image.layers[0]!)}`);
    assert.equal(pull.status, 404);

    const runs = await graphql(wharf, GC_RUNS, {}, wharf.adminAuth);
    assert.equal(runs.errors, undefined, JSON.stringify(runs.errors));
    const [latest, middle, first] = runs.data?.gcRuns as { id: number; trigger: string; status: string; dryRun: boolean; graceSeconds: number; blobsDeleted: number; bytesFreed: number; finishedAt: string | null }[];
    assert.equal(latest!.id, realReport.runId);
    assert.equal(latest!.trigger, 'graphql');
    assert.equal(latest!.status, 'succeeded');
    assert.equal(latest!.blobsDeleted, freed.length);
    assert.equal(latest!.bytesFreed, expectedBytes);
    assert.ok(latest!.finishedAt);
    assert.equal(middle!.graceSeconds, 7200);
    assert.equal(first!.dryRun, true);
    assert.equal(first!.id, dryReport.runId);
  });

  test('invalid grace is rejected', async () => {
    const response = await graphql(wharf, RUN_GC, { grace: 'soon' }, wharf.adminAuth);
    assert.equal(errorCode(response), 'BAD_USER_INPUT');
    assert.match(response.errors![0]!.message, /invalid duration "soon"/);

    const tooMany = await graphql(wharf, '{ gcRuns(first: 1000) { id } }', {}, wharf.adminAuth);
    assert.equal(errorCode(tooMany), 'BAD_USER_INPUT');
  });
});
