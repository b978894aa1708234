import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_QUERY_COST, MAX_QUERY_DEPTH } from '../../api/graphql/limits.ts';
import { MAX_PAGE_SIZE } from '../../api/graphql/pagination.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basic, errorCode, graphql, type GraphqlResponse } from './graphql-client.ts';

const AUDIT_QUERY = `query($project: String, $from: DateTimeISO, $to: DateTimeISO, $first: Int, $after: String) {
  auditEvents(project: $project, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    edges { cursor node { id actor actorKind clientIp action resource outcome detail occurredAt project { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface EventNode {
  actor: string;
  actorKind: string;
  clientIp: string | null;
  action: string;
  resource: string;
  outcome: string;
  occurredAt: string;
  project: { name: string } | null;
}

describe('GraphQL audit log and limits', () => {
  let wharf: TestWharf;
  let owner: string;
  let developer: string;
  let startedAt: string;

  before(async () => {
    wharf = await startTestWharf();
    await wharf.services.users.create({ username: 'owner', password: 'owner-password' });
    await wharf.services.users.create({ username: 'dev', password: 'dev-password' });
    owner = basic('owner', 'owner-password');
    developer = basic('dev', 'dev-password');
    startedAt = new Date().toISOString();

    // Every change below goes through GraphQL, so each should leave an audit event.
    const steps: [string, Record<string, unknown>, string][] = [
      ['mutation { createProject(input: { name: "audited" }) { name } }', {}, owner],
      ['mutation { addProjectMember(project: "audited", username: "dev", role: developer) { role } }', {}, owner],
      ['mutation { updateProjectMember(project: "audited", username: "dev", role: maintainer) { role } }', {}, owner],
      ['mutation { createRobotAccount(input: { name: "bot", project: "audited", grants: [{ project: "audited", actions: ["repository:pull"] }] }) { robot { id } } }', {}, owner],
      ['mutation { createAccessToken(input: { name: "laptop" }) { token { id } } }', {}, owner],
      ['mutation { updateProject(input: { name: "audited", public: true }) { name } }', {}, owner],
    ];
    for (const [query, variables, auth] of steps) {
      const response = await graphql(wharf, query, variables, auth);
      assert.equal(response.errors, undefined, query);
    }
    const robot = await graphql(wharf, '{ project(name: "audited") { robots { id } } }', {}, owner);
    const robotId = robot.data?.project.robots[0].id;
    for (const query of [
      'mutation($id: Int!) { disableRobotAccount(id: $id) { id } }',
      'mutation($id: Int!) { refreshRobotSecret(id: $id) { secret } }',
      'mutation($id: Int!) { deleteRobotAccount(id: $id) }',
    ]) {
      assert.equal((await graphql(wharf, query, { id: robotId }, owner)).errors, undefined, query);
    }
    assert.equal((await graphql(wharf, 'mutation { removeProjectMember(project: "audited", username: "dev") }', {}, owner)).errors, undefined);
  });
  after(async () => {
    await wharf.close();
  });

  test('project audit lists member and robot changes', async () => {
    const response = await graphql(wharf, AUDIT_QUERY, { project: 'audited', first: 50 }, owner);
    assert.equal(response.errors, undefined);
    const events = response.data?.auditEvents.edges.map((edge: { node: EventNode }) => edge.node) as EventNode[];
    assert.deepEqual(
      events.map((event) => event.action),
      ['member.remove', 'robot.delete', 'robot.refresh', 'robot.disable', 'project.update', 'robot.create', 'member.update', 'member.add', 'project.create'],
    );
    assert.equal(response.data?.auditEvents.totalCount, events.length);
    for (const event of events) {
      assert.equal(event.actor, 'owner', event.action);
      assert.equal(event.actorKind, 'user', event.action);
      assert.equal(event.outcome, 'success', event.action);
      assert.equal(event.project?.name, 'audited', event.action);
      assert.match(event.clientIp ?? '', /^(::ffff:)?127\.0\.0\.1$/, event.action);
    }
    assert.equal(events.find((event) => event.action === 'member.add')?.resource, 'member:audited/dev');
    assert.equal(events.find((event) => event.action === 'robot.create')?.resource, 'robot:robot$audited+bot');
  });

  test('admin audit includes token changes', async () => {
    const response = await graphql(wharf, AUDIT_QUERY, { first: 100 }, wharf.adminAuth);
    assert.equal(response.errors, undefined);
    const events = response.data?.auditEvents.edges.map((edge: { node: EventNode }) => edge.node) as EventNode[];
    const token = events.find((event) => event.action === 'token.create');
    assert.ok(token, 'token.create event missing');
    assert.equal(token.actor, 'owner');
    assert.equal(token.project, null);
  });

  test('audit filters by time', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await graphql(wharf, AUDIT_QUERY, { project: 'audited', from: future }, owner);
    assert.equal(none.errors, undefined);
    assert.equal(none.data?.auditEvents.totalCount, 0);

    const all = await graphql(wharf, AUDIT_QUERY, { project: 'audited', from: startedAt, to: future }, owner);
    assert.equal(all.data?.auditEvents.totalCount, 9);

    const before = await graphql(wharf, AUDIT_QUERY, { project: 'audited', to: startedAt }, owner);
    assert.equal(before.data?.auditEvents.totalCount, 0);

    const reversed = await graphql(wharf, AUDIT_QUERY, { project: 'audited', from: future, to: startedAt }, owner);
    assert.equal(errorCode(reversed), 'BAD_USER_INPUT');
  });

  test('audit pages with cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response: GraphqlResponse = await graphql(wharf, AUDIT_QUERY, { project: 'audited', first: 4, after: cursor }, owner);
      assert.equal(response.errors, undefined);
      seen.push(...response.data?.auditEvents.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!response.data?.auditEvents.pageInfo.hasNextPage) break;
      cursor = response.data?.auditEvents.pageInfo.endCursor;
    }
    assert.equal(seen.length, 9);
    assert.equal(new Set(seen).size, 9);

    const foreign = await graphql(wharf, AUDIT_QUERY, { project: 'audited', after: Buffer.from('user:admin').toString('base64url') }, owner);
    assert.equal(errorCode(foreign), 'BAD_USER_INPUT');
  });

  test('audit refused without audit:read', async () => {
    await graphql(wharf, 'mutation { addProjectMember(project: "audited", username: "dev", role: maintainer) { role } }', {}, owner);
    assert.equal(errorCode(await graphql(wharf, AUDIT_QUERY, { project: 'audited' }, developer)), 'FORBIDDEN');
    assert.equal(errorCode(await graphql(wharf, AUDIT_QUERY, { project: 'audited' })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await graphql(wharf, AUDIT_QUERY, {}, owner)), 'FORBIDDEN');
    assert.equal(errorCode(await graphql(wharf, AUDIT_QUERY, {})), 'UNAUTHENTICATED');

    await graphql(wharf, 'mutation { createProject(input: { name: "hidden" }) { name } }', {}, owner);
    assert.equal(errorCode(await graphql(wharf, AUDIT_QUERY, { project: 'hidden' }, developer)), 'NOT_FOUND');
  });

  test('first above the cap is rejected', async () => {
    const response = await graphql(wharf, '{ projects(first: 1000) { totalCount } }');
    assert.equal(errorCode(response), 'BAD_USER_INPUT');
    assert.match(response.errors?.[0]?.message ?? '', new RegExp(`between 0 and ${MAX_PAGE_SIZE}`));
    const negative = await graphql(wharf, '{ projects(first: -1) { totalCount } }');
    assert.equal(errorCode(negative), 'BAD_USER_INPUT');
  });

  test('deep query is rejected', async () => {
    let selection = 'name';
    for (let level = 0; level < MAX_QUERY_DEPTH; level += 1) selection = `robots { project { ${selection} } }`;
    const response = await graphql(wharf, `{ project(name: "library") { ${selection} } }`, {}, wharf.adminAuth);
    assert.equal(response.status, 400);
    assert.equal(errorCode(response), 'GRAPHQL_VALIDATION_FAILED');
    assert.match(response.errors?.[0]?.message ?? '', /exceeds maximum operation depth/);
  });

  test('costly query is rejected', async () => {
    // Each alias requests 100 users with their tokens: about 1,000 cost units apiece.
    const page = 'users(first: 100) { edges { node { username email accessTokens { id name createdAt } } } }';
    const query = `{ ${Array.from({ length: 16 }, (_, index) => `page${index}: ${page}`).join(' ')} }`;
    const response = await graphql(wharf, query, {}, wharf.adminAuth);
    assert.equal(response.status, 400);
    assert.equal(errorCode(response), 'GRAPHQL_VALIDATION_FAILED');
    assert.match(response.errors?.[0]?.message ?? '', new RegExp(`query cost \\d+ exceeds the limit of ${MAX_QUERY_COST}`));

    const affordable = await graphql(wharf, `{ ${page} }`, {}, wharf.adminAuth);
    assert.equal(affordable.errors, undefined);
  });

  test('invalid enum value is BAD_USER_INPUT', async () => {
    const response = await graphql(wharf, 'mutation($role: ProjectRole!) { addProjectMember(project: "audited", username: "dev", role: $role) { role } }', { role: 'owner' }, owner);
    assert.equal(errorCode(response), 'BAD_USER_INPUT');
  });
});
