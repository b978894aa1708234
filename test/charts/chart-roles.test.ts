import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROLES, type ProjectRole } from '../../api/access/permissions.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildChart } from './support/build-chart.ts';
import { loadHelmIndex } from './support/helm-index-rules.ts';

const PASSWORD = 'password-1234';

function basic(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

/** Roles that may upload charts, and roles that may delete them, as Harbor's matrix has it. */
const UPLOADERS: ProjectRole[] = ['developer', 'maintainer', 'projectAdmin'];
const DELETERS: ProjectRole[] = ['maintainer', 'projectAdmin'];

/** The read paths of a project's charts: Helm's repository and the ChartMuseum API. */
const readPaths = (project: string) => [
  `/chartrepo/${project}/index.yaml`,
  `/chartrepo/${project}/index.json`,
  `/chartrepo/${project}/charts/web-1.0.0.tgz`,
  `/api/chartrepo/${project}/charts`,
  `/api/chartrepo/${project}/charts/web`,
  `/api/chartrepo/${project}/charts/web/1.0.0`,
];

describe('chart repository roles', () => {
  let wharf: TestWharf;
  const auth = new Map<ProjectRole, string>();
  let outsider: string;

  const call = async (path: string, authorization: string | undefined, init: RequestInit = {}) => {
    const response = await fetch(`${wharf.url}${path}`, { ...init, headers: { ...(authorization ? { authorization } : {}), ...(init.headers ?? {}) } });
    return { status: response.status, body: await response.text(), challenge: response.headers.get('www-authenticate') };
  };
  const upload = (project: string, authorization: string | undefined, name: string, version: string) =>
    call(`/api/chartrepo/${project}/charts`, authorization, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: buildChart(name, version),
    });
  const remove = (project: string, authorization: string | undefined, name: string, version: string) =>
    call(`/api/chartrepo/${project}/charts/${name}/${version}`, authorization, { method: 'DELETE' });

  before(async () => {
    wharf = await startTestWharf();
    const { users, projects, members } = wharf.services;
    const team = await projects.create('team', { public: false });
    for (const role of PROJECT_ROLES) {
      const user = await users.create({ username: `team-${role.toLowerCase()}`, password: PASSWORD });
      await members.add(team.id, user.id, role);
      auth.set(role, basic(user.username, PASSWORD));
    }
    await users.create({ username: 'outsider', password: PASSWORD });
    outsider = basic('outsider', PASSWORD);
    assert.equal((await upload('team', wharf.adminAuth, 'web', '1.0.0')).status, 201);
  });

  after(async () => {
    await wharf?.close();
  });

  test('every role reads every path', async () => {
    for (const role of PROJECT_ROLES) {
      for (const path of readPaths('team')) {
        assert.equal((await call(path, auth.get(role))).status, 200, `${role} GET ${path}`);
      }
    }
  });

  test('developers and up upload', async () => {
    for (const role of PROJECT_ROLES) {
      const response = await upload('team', auth.get(role), `by-${role.toLowerCase()}`, '1.0.0');
      assert.equal(response.status, UPLOADERS.includes(role) ? 201 : 403, `${role}: ${response.body}`);
    }
    const listed = JSON.parse((await call('/api/chartrepo/team/charts', auth.get('guest'))).body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(listed).filter((name) => name.startsWith('by-')).sort(), ['by-developer', 'by-maintainer', 'by-projectadmin']);
  });

  test('maintainers and up delete', async () => {
    for (const role of PROJECT_ROLES) {
      assert.equal((await upload('team', wharf.adminAuth, 'doomed', `1.0.${PROJECT_ROLES.indexOf(role)}`)).status, 201);
    }
    for (const role of PROJECT_ROLES) {
      const response = await remove('team', auth.get(role), 'doomed', `1.0.${PROJECT_ROLES.indexOf(role)}`);
      assert.equal(response.status, DELETERS.includes(role) ? 200 : 403, `${role}: ${response.body}`);
    }
    const left = JSON.parse((await call('/api/chartrepo/team/charts/doomed', wharf.adminAuth)).body) as { version: string }[];
    const kept = PROJECT_ROLES.filter((role) => !DELETERS.includes(role)).map((role) => `1.0.${PROJECT_ROLES.indexOf(role)}`);
    assert.deepEqual(left.map((entry) => entry.version).sort(), kept.sort());
  });

  test('private project looks missing', async () => {
    const requests = (project: string): [string, RequestInit][] => [
      ...readPaths(project).map((path): [string, RequestInit] => [path, {}]),
      [`/api/chartrepo/${project}/charts`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: buildChart('probe', '1.0.0') }],
      [`/api/chartrepo/${project}/charts/web/1.0.0`, { method: 'DELETE' }],
    ];
    for (const [who, authorization] of [['outsider', outsider], ['anonymous', undefined]] as const) {
      const [team, ghost] = [requests('team'), requests('ghost')];
      for (let index = 0; index < team.length; index++) {
        const label = `${who} ${team[index]![1].method ?? 'GET'} ${team[index]![0]}`;
        const seen = await call(team[index]![0], authorization, team[index]![1]);
        const missing = await call(ghost[index]![0], authorization, ghost[index]![1]);
        assert.equal(seen.status, who === 'anonymous' ? 401 : 403, label);
        assert.equal(seen.status, missing.status, label);
        assert.equal(seen.body.replaceAll('team', 'NAME'), missing.body.replaceAll('ghost', 'NAME'), label);
        assert.equal(seen.challenge, missing.challenge, label);
      }
    }
  });

  test('merged index lists readable projects', async () => {
    const keys = async (authorization: string | undefined) =>
      Object.keys(loadHelmIndex(Buffer.from((await call('/chartrepo/index.yaml', authorization)).body)).entries);
    assert.equal((await keys(outsider)).some((key) => key.startsWith('team/')), false);
    assert.equal((await keys(undefined)).some((key) => key.startsWith('team/')), false);
    assert.ok((await keys(auth.get('limitedGuest'))).includes('team/web'));
  });

  test('robots get what they were granted', async () => {
    const robots = wharf.services.robots;
    const reader = await robots.create({ name: 'reader', project: 'team', grants: [{ project: 'team', actions: ['chart:read'] }] });
    const uploader = await robots.create({ name: 'uploader', project: 'team', grants: [{ project: 'team', actions: ['chart:read', 'chart:upload'] }] });
    const puller = await robots.create({ name: 'image-puller', grants: [{ project: 'team', actions: ['repository:pull'] }] });
    const [readerAuth, uploaderAuth, pullerAuth] = [reader, uploader, puller].map(({ robot, secret }) => basic(robot.name, secret));

    assert.equal((await call('/chartrepo/team/charts/web-1.0.0.tgz', readerAuth)).status, 200);
    assert.ok(Object.keys(loadHelmIndex(Buffer.from((await call('/chartrepo/index.yaml', readerAuth)).body)).entries).includes('team/web'));
    assert.equal((await upload('team', readerAuth, 'robot-chart', '1.0.0')).status, 403);
    assert.equal((await upload('team', uploaderAuth, 'robot-chart', '1.0.0')).status, 201);
    assert.equal((await remove('team', uploaderAuth, 'robot-chart', '1.0.0')).status, 403);
    assert.equal((await call('/chartrepo/team/index.yaml', pullerAuth)).status, 403, 'image pull does not grant chart read');
  });

  test('access token works, registry token does not', async () => {
    const user = await wharf.services.users.findByName('team-maintainer');
    const { secret } = await wharf.services.accessTokens.create(user!.id, 'helm', null);
    assert.equal((await call('/chartrepo/team/index.yaml', basic('team-maintainer', secret))).status, 200);
    assert.equal((await call('/chartrepo/team/index.yaml', `Bearer ${secret}`)).status, 200);

    // A token for pulling one image must not open the maintainer's charts.
    const issued = await call('/service/token?service=wharf&scope=repository:team/app:pull', basic('team-maintainer', PASSWORD));
    const token = (JSON.parse(issued.body) as { token: string }).token;
    assert.equal((await call('/chartrepo/team/index.yaml', `Bearer ${token}`)).status, 401);
    assert.equal((await remove('team', `Bearer ${token}`, 'web', '1.0.0')).status, 401);
    assert.equal((await call('/api/chartrepo/team/charts/web/1.0.0', wharf.adminAuth)).status, 200, 'the chart survived');
  });
});
