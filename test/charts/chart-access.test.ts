import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProjectRole } from '../../api/access/permissions.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildChart } from './support/build-chart.ts';
import { loadWharfIndex } from './support/helm-index-rules.ts';

const PASSWORD = 'password-1234';

function basic(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

describe('chart access by role', () => {
  let wharf: TestWharf;
  const auth: Record<string, string> = {};

  const upload = (project: string, archive: Buffer, authorization?: string) =>
    fetch(`${wharf.url}/api/chartrepo/${project}/charts`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...(authorization ? { authorization } : {}) },
      body: archive,
    });
  const remove = (project: string, name: string, version: string, authorization?: string) =>
    fetch(`${wharf.url}/api/chartrepo/${project}/charts/${name}/${version}`, { method: 'DELETE', headers: authorization ? { authorization } : {} });
  const get = (path: string, authorization?: string) => fetch(`${wharf.url}${path}`, { headers: authorization ? { authorization } : {} });

  before(async () => {
    wharf = await startTestWharf();
    const { users, projects, members, robots, accessTokens } = wharf.services;
    const team = await projects.create('team', { public: false });
    await projects.create('other', { public: false });
    for (const role of ['guest', 'developer', 'maintainer'] satisfies ProjectRole[]) {
      const user = await users.create({ username: `team-${role}`, password: PASSWORD });
      await members.add(team.id, user.id, role);
      auth[role] = basic(user.username, PASSWORD);
    }
    await users.create({ username: 'outsider', password: PASSWORD });
    auth.outsider = basic('outsider', PASSWORD);

    const developer = await users.findByName('team-developer');
    const token = await accessTokens.create(developer!.id, 'helm', null);
    auth.token = basic('team-developer', token.secret);

    const publisher = await robots.create({ name: 'publisher', project: 'team', grants: [{ project: 'team', actions: ['chart:read', 'chart:upload'] }] });
    auth.robot = basic(publisher.robot.name, publisher.secret);
    const puller = await robots.create({ name: 'puller', project: 'team', grants: [{ project: 'team', actions: ['repository:pull'] }] });
    auth.imageRobot = basic(puller.robot.name, puller.secret);

    const seeded = await upload('team', buildChart('seed', '1.0.0'), wharf.adminAuth);
    assert.equal(seeded.status, 201);
  });
  after(async () => {
    await wharf.close();
  });

  test('guest reads but cannot upload', async () => {
    const index = await get('/chartrepo/team/index.yaml', auth.guest);
    assert.equal(index.status, 200);
    assert.ok(loadWharfIndex(Buffer.from(await index.arrayBuffer())).entries.seed);
    assert.equal((await get('/chartrepo/team/charts/seed-1.0.0.tgz', auth.guest)).status, 200);
    assert.equal((await get('/api/chartrepo/team/charts/seed/1.0.0', auth.guest)).status, 200);

    const rejected = await upload('team', buildChart('guest', '1.0.0'), auth.guest);
    assert.equal(rejected.status, 403);
    assert.match(((await rejected.json()) as { error: string }).error, /may not upload/);
  });

  test('developer uploads but cannot delete', async () => {
    assert.equal((await upload('team', buildChart('dev', '1.0.0'), auth.developer)).status, 201);
    const rejected = await remove('team', 'dev', '1.0.0', auth.developer);
    assert.equal(rejected.status, 403);
    assert.match(((await rejected.json()) as { error: string }).error, /may not delete/);
    assert.equal((await get('/api/chartrepo/team/charts/dev/1.0.0', auth.developer)).status, 200);
  });

  test('maintainer deletes', async () => {
    assert.equal((await upload('team', buildChart('doomed', '1.0.0'), auth.maintainer)).status, 201);
    const deleted = await remove('team', 'doomed', '1.0.0', auth.maintainer);
    assert.equal(deleted.status, 200);
    assert.equal((await get('/api/chartrepo/team/charts/doomed/1.0.0', auth.maintainer)).status, 404);
  });

  test('personal access token works as Basic', async () => {
    assert.equal((await upload('team', buildChart('tokened', '1.0.0'), auth.token)).status, 201);
    assert.equal((await get('/chartrepo/team/index.yaml', auth.token)).status, 200);
  });

  test('robot with chart grants uploads', async () => {
    assert.equal((await upload('team', buildChart('robotic', '1.0.0'), auth.robot)).status, 201);
    assert.equal((await get('/chartrepo/team/charts/robotic-1.0.0.tgz', auth.robot)).status, 200);
    assert.equal((await remove('team', 'robotic', '1.0.0', auth.robot)).status, 403);
  });

  test('robot without chart grants rejected', async () => {
    assert.equal((await upload('team', buildChart('imagebot', '1.0.0'), auth.imageRobot)).status, 403);
  });

  test('private project looks missing', async () => {
    const privateProject = await get('/chartrepo/team/index.yaml', auth.outsider);
    const missingProject = await get('/chartrepo/nothing-here/index.yaml', auth.outsider);
    assert.equal(privateProject.status, 403);
    assert.equal(missingProject.status, 403);
    const privateText = ((await privateProject.json()) as { error: string }).error;
    const missingText = ((await missingProject.json()) as { error: string }).error;
    assert.equal(privateText.replace('team', 'X'), missingText.replace('nothing-here', 'X'));
    assert.equal((await get('/chartrepo/team/charts/seed-1.0.0.tgz', auth.outsider)).status, 403);
    assert.equal((await get('/api/chartrepo/team/charts', auth.outsider)).status, 403);
    assert.equal((await upload('team', buildChart('intruder', '1.0.0'), auth.outsider)).status, 403);
  });

  test('anonymous gets a Basic challenge', async () => {
    const response = await get('/chartrepo/team/index.yaml');
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  });

  test('merged index hides private projects', async () => {
    const outsider = loadWharfIndex(Buffer.from(await (await get('/chartrepo/index.yaml', auth.outsider)).arrayBuffer()));
    assert.ok(!Object.keys(outsider.entries).some((key) => key.startsWith('team/')), 'an outsider sees team charts');
    const guest = loadWharfIndex(Buffer.from(await (await get('/chartrepo/index.yaml', auth.guest)).arrayBuffer()));
    assert.ok(guest.entries['team/seed'], 'a guest does not see team charts');
    assert.ok(!Object.keys(guest.entries).some((key) => key.startsWith('other/')), 'a guest of team sees another private project');
    const robot = loadWharfIndex(Buffer.from(await (await get('/chartrepo/index.yaml', auth.robot)).arrayBuffer()));
    assert.ok(robot.entries['team/seed'], 'the project robot does not see its project');
  });

  test('wrong token secret is rejected', async () => {
    const response = await get('/chartrepo/team/index.yaml', basic('team-developer', 'wharf_pat_wrong'));
    assert.equal(response.status, 401);
  });
});
