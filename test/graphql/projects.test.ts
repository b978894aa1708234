import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProjectRole } from '../../api/access/permissions.ts';
import { pushImage } from '../identity/http.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basic, errorCode, graphql, type GraphqlResponse } from './graphql-client.ts';

/** One user per project role in project "secret", plus an outsider. */
const ROLES: ProjectRole[] = ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest'];

describe('GraphQL projects, members and robots', () => {
  let wharf: TestWharf;
  const auth: Record<string, string> = {};

  before(async () => {
    wharf = await startTestWharf();
    const project = await wharf.services.projects.create('secret', { public: false });
    for (const role of ROLES) {
      const user = await wharf.services.users.create({ username: role.toLowerCase(), password: `${role}-password` });
      await wharf.services.members.add(project.id, user.id, role);
      auth[role] = basic(role.toLowerCase(), `${role}-password`);
    }
    await wharf.services.users.create({ username: 'outsider', password: 'outsider-password' });
    auth.outsider = basic('outsider', 'outsider-password');
  });
  after(async () => {
    await wharf.close();
  });

  test('private project invisible to outsiders', async () => {
    const list = '{ projects { totalCount edges { node { name } } } }';
    for (const caller of [undefined, auth.outsider]) {
      const listed = await graphql(wharf, list, {}, caller);
      assert.equal(listed.errors, undefined);
      const names = listed.data?.projects.edges.map((edge: { node: { name: string } }) => edge.node.name);
      assert.deepEqual(names, ['library']);
      assert.equal(listed.data?.projects.totalCount, 1);

      const existing = await graphql(wharf, '{ project(name: "secret") { name } }', {}, caller);
      const missing = await graphql(wharf, '{ project(name: "no-such-project") { name } }', {}, caller);
      assert.equal(errorCode(existing), 'NOT_FOUND');
      assert.equal(errorCode(missing), 'NOT_FOUND');
      assert.equal(existing.errors?.[0]?.message, 'project "secret" not found');
      assert.deepEqual(existing.data, missing.data);
    }
  });

  test('members see private project', async () => {
    for (const role of ROLES) {
      const response = await graphql(wharf, '{ projects { edges { node { name myRole } } } project(name: "secret") { name public myRole myPermissions } }', {}, auth[role]);
      assert.equal(response.errors, undefined, role);
      assert.deepEqual(
        response.data?.projects.edges.map((edge: { node: { name: string } }) => edge.node.name),
        ['library', 'secret'],
        role,
      );
      assert.equal(response.data?.project.myRole, role);
      assert.equal(response.data?.project.public, false);
      assert.ok(response.data?.project.myPermissions.includes('project:read'), role);
      assert.equal(response.data?.project.myPermissions.includes('member:manage'), role === 'projectAdmin', role);
    }
  });

  test('members and robots need read permission', async () => {
    const query = '{ project(name: "secret") { members { username role } robots { name } } }';
    const guest = await graphql(wharf, query, {}, auth.guest);
    assert.equal(guest.errors, undefined);
    assert.equal(guest.data?.project.members.length, ROLES.length);
    assert.deepEqual(guest.data?.project.robots, []);

    const limited = await graphql(wharf, query, {}, auth.limitedGuest);
    assert.equal(limited.errors, undefined);
    assert.equal(limited.data?.project.members, null);
    assert.equal(limited.data?.project.robots, null);

    const anonymousPublic = await graphql(wharf, '{ project(name: "library") { name members { username } myPermissions } }');
    assert.equal(anonymousPublic.data?.project.members, null);
    assert.deepEqual(anonymousPublic.data?.project.myPermissions, ['chart:read', 'project:read', 'quota:read', 'repository:pull', 'scan:read']);
  });

  test('createProject makes caller projectAdmin', async () => {
    const mutation = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { name public myRole members { username role } } }';
    const created = await graphql(wharf, mutation, { input: { name: 'outsider-team' } }, auth.outsider);
    assert.equal(created.errors, undefined);
    assert.deepEqual(created.data?.createProject, {
      name: 'outsider-team',
      public: false,
      myRole: 'projectAdmin',
      members: [{ username: 'outsider', role: 'projectAdmin' }],
    });

    assert.equal(errorCode(await graphql(wharf, mutation, { input: { name: 'anon-team' } })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await graphql(wharf, mutation, { input: { name: 'outsider-team' } }, auth.outsider)), 'CONFLICT');
    assert.equal(errorCode(await graphql(wharf, mutation, { input: { name: 'Bad Name' } }, auth.outsider)), 'BAD_USER_INPUT');
  });

  test('updateProject needs project:update', async () => {
    const mutation = 'mutation($input: UpdateProjectInput!) { updateProject(input: $input) { name public } }';
    const input = { name: 'secret', public: true };
    assert.equal(errorCode(await graphql(wharf, mutation, { input })), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, mutation, { input }, auth.outsider)), 'NOT_FOUND');
    for (const role of ['maintainer', 'developer', 'guest', 'limitedGuest']) {
      assert.equal(errorCode(await graphql(wharf, mutation, { input }, auth[role])), 'FORBIDDEN', role);
    }

    const publicNow = await graphql(wharf, mutation, { input }, auth.projectAdmin);
    assert.equal(publicNow.errors, undefined);
    assert.deepEqual(publicNow.data?.updateProject, { name: 'secret', public: true });
    // Anonymous callers now see it, and for a public project they get FORBIDDEN rather than NOT_FOUND.
    assert.equal(errorCode(await graphql(wharf, mutation, { input })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await graphql(wharf, mutation, { input }, auth.outsider)), 'FORBIDDEN');

    const privateAgain = await graphql(wharf, mutation, { input: { name: 'secret', public: false } }, wharf.adminAuth);
    assert.equal(privateAgain.data?.updateProject.public, false);
  });

  test('project names follow Harbor rules', async () => {
    const mutation = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { name } }';
    for (const name of ['a'.repeat(255), 'a.b_c-d', '0team']) {
      const created = await graphql(wharf, mutation, { input: { name } }, auth.outsider);
      assert.equal(created.errors, undefined, name);
      assert.equal(created.data?.createProject.name, name);
    }
    for (const name of ['a'.repeat(256), '', 'Team', '-team', 'team-', 'a..b', 'a/b', 'ünï']) {
      assert.equal(errorCode(await graphql(wharf, mutation, { input: { name } }, auth.outsider)), 'BAD_USER_INPUT', name);
    }
  });

  test('deleteProject refused while it holds artifacts', async () => {
    await wharf.services.projects.create('busy', { public: false });
    await pushImage(wharf.url, wharf.adminAuth, 'busy/app', '1.0');
    const response = await graphql(wharf, 'mutation { deleteProject(name: "busy") }', {}, wharf.adminAuth);
    assert.equal(errorCode(response), 'CONFLICT');
    assert.match(response.errors?.[0]?.message ?? '', /still holds artifacts in 1 repositories; delete them first/);
    assert.ok(await wharf.services.projects.findByName('busy'));
  });

  test('robot sees only granted projects', async () => {
    await wharf.services.projects.create('robot-view', { public: false });
    await wharf.services.projects.create('robot-hidden', { public: false });
    const { robot, secret } = await wharf.services.robots.create({ name: 'viewer', grants: [{ project: 'robot-view', actions: ['chart:read'] }] });
    const asRobot = basic(robot.name, secret);

    const listed = await graphql(wharf, '{ projects { totalCount edges { node { name myPermissions } } } }', {}, asRobot);
    assert.equal(listed.errors, undefined);
    assert.deepEqual(listed.data?.projects.edges, [
      { node: { name: 'library', myPermissions: ['chart:read', 'project:read', 'quota:read', 'repository:pull', 'scan:read'] } },
      { node: { name: 'robot-view', myPermissions: ['chart:read', 'project:read'] } },
    ]);
    assert.equal(listed.data?.projects.totalCount, 2);
    assert.equal(errorCode(await graphql(wharf, '{ project(name: "robot-hidden") { name } }', {}, asRobot)), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, 'mutation { createProject(input: { name: "by-robot" }) { name } }', {}, asRobot)), 'FORBIDDEN');
    assert.equal(errorCode(await graphql(wharf, '{ users { totalCount } }', {}, asRobot)), 'FORBIDDEN');
    await wharf.services.robots.delete(robot.id);
  });

  test('deleteProject needs project:delete', async () => {
    await wharf.services.projects.create('doomed', { public: false });
    const project = await wharf.services.projects.get('doomed');
    const maintainer = await wharf.services.users.findByName('maintainer');
    await wharf.services.members.add(project.id, maintainer!.id, 'maintainer');
    const mutation = 'mutation($name: String!) { deleteProject(name: $name) }';

    assert.equal(errorCode(await graphql(wharf, mutation, { name: 'doomed' }, auth.outsider)), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, mutation, { name: 'doomed' }, auth.maintainer)), 'FORBIDDEN');
    const deleted = await graphql(wharf, mutation, { name: 'doomed' }, wharf.adminAuth);
    assert.equal(deleted.errors, undefined);
    assert.equal(deleted.data?.deleteProject, true);
    assert.equal(await wharf.services.projects.findByName('doomed'), null);
  });

  test('member mutations need member:manage', async () => {
    await wharf.services.users.create({ username: 'newcomer', password: 'newcomer-password' });
    const add = 'mutation($role: ProjectRole!) { addProjectMember(project: "secret", username: "newcomer", role: $role) { username role user { username } } }';
    const update = 'mutation($role: ProjectRole!) { updateProjectMember(project: "secret", username: "newcomer", role: $role) { username role } }';
    const remove = 'mutation { removeProjectMember(project: "secret", username: "newcomer") }';

    assert.equal(errorCode(await graphql(wharf, add, { role: 'guest' })), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, add, { role: 'guest' }, auth.outsider)), 'NOT_FOUND');
    for (const role of ['maintainer', 'developer', 'guest', 'limitedGuest']) {
      assert.equal(errorCode(await graphql(wharf, add, { role: 'guest' }, auth[role])), 'FORBIDDEN', role);
    }

    const added = await graphql(wharf, add, { role: 'guest' }, auth.projectAdmin);
    assert.equal(added.errors, undefined);
    assert.deepEqual(added.data?.addProjectMember, { username: 'newcomer', role: 'guest', user: { username: 'newcomer' } });
    assert.equal(errorCode(await graphql(wharf, add, { role: 'guest' }, auth.projectAdmin)), 'CONFLICT');
    assert.equal(errorCode(await graphql(wharf, add, { role: 'owner' }, auth.projectAdmin)), 'BAD_USER_INPUT');

    assert.equal(errorCode(await graphql(wharf, update, { role: 'developer' }, auth.maintainer)), 'FORBIDDEN');
    const updated = await graphql(wharf, update, { role: 'developer' }, auth.projectAdmin);
    assert.deepEqual(updated.data?.updateProjectMember, { username: 'newcomer', role: 'developer' });

    assert.equal(errorCode(await graphql(wharf, remove, {}, auth.developer)), 'FORBIDDEN');
    const removed = await graphql(wharf, remove, {}, auth.projectAdmin);
    assert.equal(removed.errors, undefined);
    assert.equal(removed.data?.removeProjectMember, true);
    assert.equal(errorCode(await graphql(wharf, remove, {}, auth.projectAdmin)), 'NOT_FOUND');
  });

  test('last projectAdmin cannot leave', async () => {
    const demote = 'mutation { updateProjectMember(project: "secret", username: "projectadmin", role: guest) { role } }';
    const response = await graphql(wharf, demote, {}, auth.projectAdmin);
    assert.equal(errorCode(response), 'BAD_USER_INPUT');
    const remove = await graphql(wharf, 'mutation { removeProjectMember(project: "secret", username: "projectadmin") }', {}, wharf.adminAuth);
    assert.equal(errorCode(remove), 'BAD_USER_INPUT');
  });

  test('project robot lifecycle', async () => {
    const create = `mutation($input: CreateRobotAccountInput!) {
      createRobotAccount(input: $input) { secret robot { id name disabled grants { project actions } project { name } } }
    }`;
    const input = { name: 'ci', project: 'secret', grants: [{ project: 'secret', actions: ['repository:pull'] }] };

    assert.equal(errorCode(await graphql(wharf, create, { input })), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, create, { input }, auth.outsider)), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, create, { input }, auth.maintainer)), 'FORBIDDEN');

    const created = await graphql(wharf, create, { input }, auth.projectAdmin);
    assert.equal(created.errors, undefined);
    const { robot, secret } = created.data?.createRobotAccount;
    assert.equal(robot.name, 'robot$secret+ci');
    assert.equal(robot.project.name, 'secret');
    assert.deepEqual(robot.grants, [{ project: 'secret', actions: ['repository:pull'] }]);
    assert.ok(secret.length > 20);

    // The robot signs in with its secret and can read its project.
    const asRobot = await graphql(wharf, '{ me { username } project(name: "secret") { name myPermissions } }', {}, basic(robot.name, secret));
    assert.equal(asRobot.errors, undefined);
    assert.equal(asRobot.data?.me, null);
    assert.deepEqual(asRobot.data?.project.myPermissions, ['project:read', 'repository:pull']);

    const listed = await graphql(wharf, '{ project(name: "secret") { robots { name } } }', {}, auth.guest);
    assert.deepEqual(listed.data?.project.robots, [{ name: 'robot$secret+ci' }]);

    const disable = 'mutation($id: Int!, $disabled: Boolean!) { disableRobotAccount(id: $id, disabled: $disabled) { disabled } }';
    assert.equal(errorCode(await graphql(wharf, disable, { id: robot.id, disabled: true }, auth.outsider)), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, disable, { id: robot.id, disabled: true }, auth.developer)), 'FORBIDDEN');
    const disabled = await graphql(wharf, disable, { id: robot.id, disabled: true }, auth.projectAdmin);
    assert.equal(disabled.data?.disableRobotAccount.disabled, true);
    assert.equal(errorCode(await graphql(wharf, '{ me { username } }', {}, basic(robot.name, secret))), 'UNAUTHENTICATED');
    const enabled = await graphql(wharf, disable, { id: robot.id, disabled: false }, auth.projectAdmin);
    assert.equal(enabled.data?.disableRobotAccount.disabled, false);

    const refresh = 'mutation($id: Int!) { refreshRobotSecret(id: $id) { secret robot { name } } }';
    assert.equal(errorCode(await graphql(wharf, refresh, { id: robot.id }, auth.guest)), 'FORBIDDEN');
    const refreshed = await graphql(wharf, refresh, { id: robot.id }, auth.projectAdmin);
    const newSecret = refreshed.data?.refreshRobotSecret.secret;
    assert.notEqual(newSecret, secret);
    assert.equal(errorCode(await graphql(wharf, '{ me { username } }', {}, basic(robot.name, secret))), 'UNAUTHENTICATED');
    assert.equal((await graphql(wharf, '{ me { username } }', {}, basic(robot.name, newSecret))).errors, undefined);

    const remove = 'mutation($id: Int!) { deleteRobotAccount(id: $id) }';
    assert.equal(errorCode(await graphql(wharf, remove, { id: robot.id })), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, remove, { id: robot.id }, auth.maintainer)), 'FORBIDDEN');
    const deleted = await graphql(wharf, remove, { id: robot.id }, auth.projectAdmin);
    assert.equal(deleted.data?.deleteRobotAccount, true);
    assert.equal(errorCode(await graphql(wharf, remove, { id: robot.id }, auth.projectAdmin)), 'NOT_FOUND');
  });

  test('robot grants limited to project', async () => {
    const create = 'mutation($input: CreateRobotAccountInput!) { createRobotAccount(input: $input) { robot { name } } }';
    const otherProject = { name: 'sneaky', project: 'secret', grants: [{ project: 'library', actions: ['repository:push'] }] };
    assert.equal(errorCode(await graphql(wharf, create, { input: otherProject }, auth.projectAdmin)), 'BAD_USER_INPUT');
    const unknown = { name: 'odd', project: 'secret', grants: [{ project: 'secret', actions: ['root'] }] };
    assert.equal(errorCode(await graphql(wharf, create, { input: unknown }, auth.projectAdmin)), 'BAD_USER_INPUT');
  });

  test('system robots need system admin', async () => {
    const create = 'mutation($input: CreateRobotAccountInput!) { createRobotAccount(input: $input) { secret robot { id name project { name } } } }';
    const input = { name: 'mirror', grants: [{ project: '*', actions: ['repository:pull'] }] };
    assert.equal(errorCode(await graphql(wharf, create, { input }, auth.projectAdmin)), 'FORBIDDEN');
    assert.equal(errorCode(await graphql(wharf, create, { input })), 'UNAUTHENTICATED');

    const created = await graphql(wharf, create, { input }, wharf.adminAuth);
    assert.equal(created.errors, undefined);
    const robot = created.data?.createRobotAccount.robot;
    assert.equal(robot.name, 'robot$mirror');
    assert.equal(robot.project, null);

    const listed = await graphql(wharf, '{ systemRobotAccounts { name } }', {}, wharf.adminAuth);
    assert.deepEqual(listed.data?.systemRobotAccounts, [{ name: 'robot$mirror' }]);
    assert.equal(errorCode(await graphql(wharf, '{ systemRobotAccounts { name } }', {}, auth.projectAdmin)), 'FORBIDDEN');

    const remove = 'mutation($id: Int!) { deleteRobotAccount(id: $id) }';
    assert.equal(errorCode(await graphql(wharf, remove, { id: robot.id }, auth.projectAdmin)), 'FORBIDDEN');
    assert.equal((await graphql(wharf, remove, { id: robot.id }, wharf.adminAuth)).data?.deleteRobotAccount, true);
  });

  test('projects search by name', async () => {
    await wharf.services.projects.create('find-web', { public: true });
    await wharf.services.projects.create('find_tools', { public: true });
    await wharf.services.projects.create('find-private', { public: false });
    await wharf.services.projects.create('findxtools', { public: false });
    const { robot, secret } = await wharf.services.robots.create({ name: 'finder', grants: [{ project: 'find-private', actions: ['repository:pull'] }] });
    const search = 'query($search: String, $after: String) { projects(search: $search, first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }';
    const names = async (text: string, caller?: string) => {
      const found: string[] = [];
      const totals = new Set<number>();
      let after: string | null = null;
      for (;;) {
        const response: GraphqlResponse = await graphql(wharf, search, { search: text, after }, caller);
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        found.push(...response.data?.projects.edges.map((edge: { node: { name: string } }) => edge.node.name));
        totals.add(response.data?.projects.totalCount);
        if (!response.data?.projects.pageInfo.hasNextPage) return { found, totalCount: [...totals].join(',') };
        after = response.data?.projects.pageInfo.endCursor;
      }
    };

    assert.deepEqual(await names('FIND'), { found: ['find-web', 'find_tools'], totalCount: '2' });
    assert.deepEqual(await names('FIND', wharf.adminAuth), { found: ['find-private', 'find-web', 'find_tools', 'findxtools'], totalCount: '4' });
    assert.deepEqual(await names('d_t', wharf.adminAuth), { found: ['find_tools'], totalCount: '1' });
    assert.deepEqual(await names('find%tools', wharf.adminAuth), { found: [], totalCount: '0' });
    assert.deepEqual(await names('  SeCr ', auth.guest), { found: ['secret'], totalCount: '1' });
    assert.deepEqual(await names('secr', auth.outsider), { found: [], totalCount: '0' });
    assert.deepEqual(await names('find', basic(robot.name, secret)), { found: ['find-private', 'find-web', 'find_tools'], totalCount: '3' });
    assert.deepEqual((await names('', auth.outsider)).found.includes('library'), true);

    const tooLong = await graphql(wharf, search, { search: 'x'.repeat(256) });
    assert.equal(errorCode(tooLong), 'BAD_USER_INPUT');
    await wharf.services.robots.delete(robot.id);
  });
});
