import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { AuditService } from '../../api/audit/audit-service.ts';
import { runCommand } from '../../api/cli/commands/index.ts';
import { buildChart } from '../charts/support/build-chart.ts';
import { basic, graphql } from '../graphql/graphql-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { pushImage, type PushedImage, send } from './http.ts';

const PASSWORD = 'password-1234';
const LOCAL = /^(::ffff:)?127\.0\.0\.1$/;

const EVENTS_QUERY = `query($project: String, $from: DateTimeISO, $to: DateTimeISO) {
  auditEvents(project: $project, from: $from, to: $to, first: 100) {
    edges { node { actor actorKind clientIp action resource outcome count occurredAt project { name } } }
  }
}`;

interface EventNode {
  actor: string;
  actorKind: string;
  clientIp: string | null;
  action: string;
  resource: string;
  outcome: string;
  count: number;
  occurredAt: string;
  project: { name: string } | null;
}

describe('audit log', () => {
  let wharf: TestWharf;
  let image: PushedImage;
  let startedAt: Date;
  const developer = basic('audit-dev', PASSWORD);
  const maintainer = basic('audit-maintainer', PASSWORD);

  /** Events as a project's administrator (or, without a project, a system administrator) reads them through GraphQL. */
  async function events(variables: { project?: string; from?: string; to?: string }): Promise<EventNode[]> {
    await wharf.services.audit.flush();
    const response = await graphql(wharf, EVENTS_QUERY, variables, wharf.adminAuth);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data?.auditEvents.edges.map((edge: { node: EventNode }) => edge.node) as EventNode[];
  }

  const pullManifest = (authorization: string, localAddress: string) =>
    send(wharf.url, {
      path: '/v2/audited/app/manifests/1.0',
      headers: { authorization, accept: 'application/vnd.oci.image.manifest.v1+json' },
      localAddress,
    });

  before(async () => {
    wharf = await startTestWharf();
    startedAt = new Date();
    const { users, projects, members } = wharf.services;
    const project = await projects.create('audited', { public: false });
    await members.add(project.id, (await users.create({ username: 'audit-dev', password: PASSWORD })).id, 'developer');
    await members.add(project.id, (await users.create({ username: 'audit-maintainer', password: PASSWORD })).id, 'maintainer');

    image = await pushImage(wharf.url, developer, 'audited/app', '1.0');
    for (let pull = 0; pull < 5; pull++) assert.equal((await pullManifest(developer, '127.0.8.1')).status, 200);
    const deleted = await send(wharf.url, { method: 'DELETE', path: `/v2/audited/app/manifests/${image.digest}`, headers: { authorization: maintainer } });
    assert.equal(deleted.status, 202, deleted.body);
  });

  after(async () => {
    await wharf?.close();
  });

  test('registry push, pull and delete', async () => {
    const found = await events({ project: 'audited' });
    const push = found.find((event) => event.action === 'push' && event.resource === 'audited/app@1.0');
    assert.ok(push, 'push event missing');
    assert.equal(push.actor, 'audit-dev');
    assert.equal(push.actorKind, 'user');
    assert.match(push.clientIp ?? '', LOCAL);
    assert.equal(push.project?.name, 'audited');
    const when = new Date(push.occurredAt).getTime();
    assert.ok(when >= startedAt.getTime() - 1000, `push at ${push.occurredAt}, before the test started`);
    assert.ok(when <= Date.now(), `push at ${push.occurredAt}, in the future`);

    const pulls = found.filter((event) => event.action === 'pull' && event.resource === 'audited/app@1.0');
    assert.equal(pulls.length, 1, 'identical pulls are one aggregated row');
    assert.equal(pulls[0]!.count, 5);
    assert.equal(pulls[0]!.actor, 'audit-dev');
    assert.match(pulls[0]!.clientIp ?? '', /127\.0\.8\.1$/);

    const deleted = found.find((event) => event.action === 'delete');
    assert.ok(deleted, 'delete event missing');
    assert.equal(deleted.actor, 'audit-maintainer');
    assert.equal(deleted.resource, `audited/app@${image.digest}`);
  });

  test('concurrent pulls are all counted', async () => {
    await pushImage(wharf.url, developer, 'audited/app', '1.0');
    const addresses = ['127.0.8.10', '127.0.8.11', '127.0.8.12'];
    const responses = await Promise.all(Array.from({ length: 30 }, (_, index) => pullManifest(developer, addresses[index % addresses.length]!)));
    assert.ok(responses.every((response) => response.status === 200));

    const pulls = (await events({ project: 'audited' })).filter((event) => event.action === 'pull' && addresses.some((address) => event.clientIp?.endsWith(address)));
    // A timed flush may fall between the requests and split an address over two rows; the counts must still add up.
    assert.ok(pulls.length >= addresses.length, `${pulls.length} rows for ${addresses.length} addresses`);
    assert.ok(pulls.length < 30, `${pulls.length} rows for 30 pulls: none were aggregated`);
    assert.equal(pulls.reduce((sum, event) => sum + event.count, 0), 30);
  });

  test('chart upload, download and delete', async () => {
    const uploaded = await fetch(`${wharf.url}/api/chartrepo/audited/charts`, {
      method: 'POST',
      headers: { authorization: developer, 'content-type': 'application/octet-stream' },
      body: buildChart('audited-chart', '1.0.0'),
    });
    assert.equal(uploaded.status, 201);
    for (let download = 0; download < 2; download++) {
      const response = await fetch(`${wharf.url}/chartrepo/audited/charts/audited-chart-1.0.0.tgz`, { headers: { authorization: developer } });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    const deleted = await fetch(`${wharf.url}/api/chartrepo/audited/charts/audited-chart/1.0.0`, { method: 'DELETE', headers: { authorization: maintainer } });
    assert.equal(deleted.status, 200);

    const found = (await events({ project: 'audited' })).filter((event) => event.resource.startsWith('chart:audited/audited-chart'));
    const summary = found.map((event) => `${event.action} ${event.actor} ${event.count}`).sort();
    assert.deepEqual(summary, ['delete audit-maintainer 1', 'pull audit-dev 2', 'push audit-dev 1']);
    for (const event of found) assert.match(event.clientIp ?? '', LOCAL, event.action);
  });

  test('project and user changes', async () => {
    const admin = wharf.adminAuth;
    const steps = [
      'mutation { createUser(input: { username: "short-lived", password: "short-lived-1" }) { username } }',
      'mutation { updateUser(input: { username: "short-lived", disabled: true }) { username } }',
      'mutation { deleteUser(username: "short-lived") }',
      'mutation { createProject(input: { name: "fleeting" }) { name } }',
      'mutation { deleteProject(name: "fleeting") }',
    ];
    for (const query of steps) assert.equal((await graphql(wharf, query, {}, admin)).errors, undefined, query);
    assert.equal((await runCommand(['project', 'create', 'from-cli'], wharf.services)).exitCode, 0);

    const found = await events({ from: startedAt.toISOString() });
    const actions = (resource: string) => found.filter((event) => event.resource === resource).map((event) => event.action).reverse();
    assert.deepEqual(actions('user:short-lived'), ['user.create', 'user.update', 'user.delete']);
    assert.deepEqual(actions('project:fleeting'), ['project.create', 'project.delete']);
    const cli = found.find((event) => event.resource === 'project:from-cli');
    assert.deepEqual(cli && [cli.action, cli.actor, cli.actorKind], ['project.create', 'cli', 'system']);
    for (const event of found.filter((item) => item.resource === 'project:fleeting' || item.resource === 'user:short-lived')) {
      assert.equal(event.actor, 'admin');
      assert.match(event.clientIp ?? '', LOCAL);
    }
  });

  test('queries by project and time', async () => {
    const everything = await events({ project: 'audited' });
    assert.ok(everything.every((event) => event.project?.name === 'audited'));
    assert.equal(everything.some((event) => event.resource === 'project:fleeting'), false);

    const later = new Date(Date.now() + 60_000).toISOString();
    assert.deepEqual(await events({ project: 'audited', from: later }), []);
    assert.deepEqual(await events({ project: 'audited', to: new Date(startedAt.getTime() - 60_000).toISOString() }), []);
  });

  test('storage jobs record their deletions', async () => {
    const project = await wharf.services.projects.get('audited');
    const old = await pushImage(wharf.url, developer, 'audited/jobs', 'old');
    await pushImage(wharf.url, developer, 'audited/jobs', 'new');
    await wharf.services.db.prisma.tag.updateMany({ where: { name: 'old', repository: { name: 'audited/jobs' } }, data: { pushedAt: new Date(Date.now() - 60_000) } });
    await wharf.services.retention.addRule(project.id, { repositoryPattern: 'jobs', tagPattern: '**', kind: 'latestPushed', value: 1 });
    assert.equal((await wharf.services.retention.run('audited', false)).deleted.length, 1);

    const untagged = await pushImage(wharf.url, developer, 'audited/untagged', 'gone');
    const untag = await send(wharf.url, { method: 'DELETE', path: '/v2/audited/untagged/manifests/gone', headers: { authorization: maintainer } });
    assert.equal(untag.status, 202, untag.body);
    const report = await wharf.services.gc.run({ dryRun: false, deleteUntagged: true, graceSeconds: 0, trigger: 'test' });
    assert.ok(report, 'gc ran');

    const found = await events({ project: 'audited' });
    const retention = found.find((event) => event.actor === 'retention');
    assert.deepEqual(retention && { kind: retention.actorKind, action: retention.action, resource: retention.resource }, {
      kind: 'system',
      action: 'delete',
      resource: `audited/jobs@${old.digest}`,
    });
    const gc = found.find((event) => event.actor === 'gc' && event.resource === `audited/untagged@${untagged.digest}`);
    assert.equal(gc?.action, 'delete');
  });

  test('failed pull row loses only its count', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const audit = new AuditService(wharf.services.db.prisma, pino({ level: 'error' }, sink));
    const pull = { actor: 'someone', actorKind: 'user', action: 'pull', resource: 'audited/app@1.0' };
    audit.recordPull(pull);
    audit.recordPull(pull);
    // A project id beyond PostgreSQL's integer range makes the database refuse the batch and that row.
    audit.recordPull({ ...pull, resource: 'audited/app@2.0', projectId: 2 ** 40 });
    await audit.flush();

    const logged = lines.map((line) => JSON.parse(line) as { lostEvents?: number; resource?: string; msg: string });
    assert.equal(logged.length, 1, lines.join(''));
    assert.equal(logged[0]!.lostEvents, 1);
    assert.equal(logged[0]!.resource, 'audited/app@2.0');
    const written = await wharf.services.db.prisma.auditEvent.findMany({ where: { actor: 'someone', action: 'pull' } });
    assert.deepEqual(
      written.map((event) => [event.resource, event.count]),
      [['audited/app@1.0', 2]],
    );
  });
});
