import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ANONYMOUS, type Caller, type RobotGrant } from '../../api/access/caller.ts';
import { PERMISSIONS, PROJECT_ROLES, type Permission, type ProjectRole } from '../../api/access/permissions.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

/**
 * The expected matrix, written out by hand from Harbor's five project roles rather
 * than derived from api/access/permissions.ts, so a change there must be made twice.
 * Each row lists what the role may do, and every permission not listed is denied.
 */
const EXPECTED: Record<ProjectRole, Permission[]> = {
  limitedGuest: ['project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read'],
  guest: ['project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read', 'member:read', 'robot:read'],
  developer: [
    'project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read', 'member:read', 'robot:read',
    'repository:push', 'tag:create', 'chart:upload', 'label:manage', 'retention:manage',
  ],
  maintainer: [
    'project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read', 'member:read', 'robot:read',
    'repository:push', 'tag:create', 'chart:upload', 'label:manage', 'retention:manage',
    'artifact:delete', 'tag:delete', 'chart:delete', 'scan:start', 'immutability:manage',
  ],
  projectAdmin: [
    'project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read', 'member:read', 'robot:read',
    'repository:push', 'tag:create', 'chart:upload', 'label:manage', 'retention:manage',
    'artifact:delete', 'tag:delete', 'chart:delete', 'scan:start', 'immutability:manage',
    'member:manage', 'robot:manage', 'audit:read', 'project:update', 'project:delete',
  ],
};

/** What anyone may do in a public project: read it, pull, and read charts, scans and quota. */
const PUBLIC: Permission[] = ['project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read'];

describe('permission matrix', () => {
  let wharf: TestWharf;
  /** One user per role in the private project `matrix`, and in the public project `open`. */
  const members = new Map<ProjectRole, Caller>();
  const publicMembers = new Map<ProjectRole, Caller>();
  let outsider: Caller;
  let admin: Caller;

  const userCaller = (user: { id: number; username: string; isAdmin: boolean }): Caller => ({
    kind: 'user',
    user: { id: user.id, username: user.username, isAdmin: user.isAdmin },
    credential: 'password',
  });

  const robotCaller = (id: number, projectId: number | null, grants: RobotGrant[]): Caller => ({
    kind: 'robot',
    robot: { id, name: `robot$test-${id}`, projectId, grants },
    credential: 'robot-secret',
  });

  before(async () => {
    wharf = await startTestWharf();
    const { users, projects, members: memberService } = wharf.services;
    const matrix = await projects.create('matrix', { public: false });
    const open = await projects.create('open', { public: true });
    await projects.create('other', { public: false });

    for (const role of PROJECT_ROLES) {
      const user = await users.create({ username: `matrix-${role.toLowerCase()}`, password: 'password-1234' });
      await memberService.add(matrix.id, user.id, role);
      members.set(role, userCaller(user));

      const publicUser = await users.create({ username: `open-${role.toLowerCase()}`, password: 'password-1234' });
      await memberService.add(open.id, publicUser.id, role);
      publicMembers.set(role, userCaller(publicUser));
    }
    outsider = userCaller(await users.create({ username: 'outsider', password: 'password-1234' }));
    const adminRecord = await users.findByName('admin');
    assert.ok(adminRecord, 'user admin exists after start');
    admin = userCaller(adminRecord);
  });

  after(async () => {
    await wharf?.close();
  });

  for (const role of PROJECT_ROLES) {
    describe(`role ${role} in a private project`, () => {
      for (const permission of PERMISSIONS) {
        const expected = EXPECTED[role].includes(permission);
        test(`${expected ? 'allows' : 'denies'} ${permission}`, async () => {
          const caller = members.get(role)!;
          assert.equal(await wharf.services.access.can(caller, 'matrix', permission), expected);
        });
      }
    });
  }

  test('every expected permission exists', () => {
    for (const [role, permissions] of Object.entries(EXPECTED)) {
      for (const permission of permissions) {
        assert.ok((PERMISSIONS as readonly string[]).includes(permission), `${role}: unknown permission ${permission}`);
      }
    }
  });

  test('roles grant nothing in other projects', async () => {
    for (const role of PROJECT_ROLES) {
      const granted = await wharf.services.access.permissions(members.get(role)!, 'other');
      assert.deepEqual([...granted], [], `${role} of matrix has permissions in project other`);
    }
  });

  test('public project members keep their role', async () => {
    for (const role of PROJECT_ROLES) {
      const granted = await wharf.services.access.permissions(publicMembers.get(role)!, 'open');
      assert.deepEqual([...granted].sort(), [...new Set([...EXPECTED[role], ...PUBLIC])].sort(), role);
    }
  });

  test('outsider reads a public project only', async () => {
    assert.deepEqual([...(await wharf.services.access.permissions(outsider, 'open'))].sort(), [...PUBLIC].sort());
    assert.deepEqual([...(await wharf.services.access.permissions(outsider, 'matrix'))], []);
  });

  test('anonymous reads a public project only', async () => {
    assert.deepEqual([...(await wharf.services.access.permissions(ANONYMOUS, 'open'))].sort(), [...PUBLIC].sort());
    assert.deepEqual([...(await wharf.services.access.permissions(ANONYMOUS, 'library'))].sort(), [...PUBLIC].sort());
    assert.deepEqual([...(await wharf.services.access.permissions(ANONYMOUS, 'matrix'))], []);
    assert.equal(await wharf.services.access.allows(ANONYMOUS, 'open', 'push'), false);
    assert.equal(await wharf.services.access.allows(ANONYMOUS, 'open', 'delete'), false);
  });

  test('missing project grants nothing', async () => {
    // Administrators are the exception: they may push to a missing project and get NAME_UNKNOWN.
    for (const caller of [ANONYMOUS, outsider, members.get('projectAdmin')!]) {
      assert.deepEqual([...(await wharf.services.access.permissions(caller, 'no-such-project'))], []);
    }
  });

  test('system admin has every permission', async () => {
    for (const project of ['matrix', 'open', 'other', 'library']) {
      const granted = await wharf.services.access.permissions(admin, project);
      assert.deepEqual([...granted].sort(), [...PERMISSIONS].sort(), project);
    }
    assert.equal(wharf.services.access.isSystemAdmin(admin), true);
    assert.equal(wharf.services.access.isSystemAdmin(outsider), false);
    assert.equal(await wharf.services.access.readableProjects(admin), 'all');
  });

  test('admin flag taken from caller identity', async () => {
    // A robot cannot be a system administrator, whatever its name.
    const robot = robotCaller(1, null, [{ project: 'matrix', actions: ['repository:pull'] }]);
    assert.equal(wharf.services.access.isSystemAdmin(robot), false);
  });

  test('project robot limited to its project', async () => {
    const { robot } = await wharf.services.robots.create({
      name: 'puller',
      project: 'matrix',
      grants: [{ project: 'matrix', actions: ['repository:pull'] }],
    });
    const caller = robotCaller(robot.id, robot.projectId, robot.grants);

    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'pull'), true);
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'push'), false);
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'delete'), false);
    assert.equal(await wharf.services.access.can(caller, 'matrix', 'member:manage'), false);
    assert.equal(await wharf.services.access.can(caller, 'matrix', 'robot:manage'), false);
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'other'))], []);
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'open'))].sort(), [...PUBLIC].sort());
    assert.deepEqual(await wharf.services.access.readableProjects(caller), ['library', 'open', 'matrix']);
  });

  test('project robot rejects foreign grants', async () => {
    await assert.rejects(
      wharf.services.robots.create({ name: 'wide', project: 'matrix', grants: [{ project: '*', actions: ['repository:pull'] }] }),
      { code: 'INVALID_INPUT' },
    );
    await assert.rejects(
      wharf.services.robots.create({ name: 'foreign', project: 'matrix', grants: [{ project: 'other', actions: ['repository:pull'] }] }),
      { code: 'INVALID_INPUT' },
    );
  });

  test('project robot ignores a wildcard grant', async () => {
    // Stored grants are validated at creation, but the policy must not trust a wildcard on a project robot either.
    const matrix = await wharf.services.projects.get('matrix');
    const caller = robotCaller(999, matrix.id, [{ project: '*', actions: ['repository:pull', 'repository:push'] }]);
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'other'))], []);
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'matrix'))], []);
  });

  test('robot push implies pull', async () => {
    const { robot } = await wharf.services.robots.create({
      name: 'pusher',
      project: 'matrix',
      grants: [{ project: 'matrix', actions: ['repository:push'] }],
    });
    const caller = robotCaller(robot.id, robot.projectId, robot.grants);
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'push'), true);
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'pull'), true);
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'delete'), false);
  });

  test('system robot with wildcard covers every project', async () => {
    const { robot } = await wharf.services.robots.create({
      name: 'everywhere',
      grants: [{ project: '*', actions: ['repository:pull', 'repository:push'] }],
    });
    assert.equal(robot.projectId, null);
    const caller = robotCaller(robot.id, null, robot.grants);

    for (const project of ['matrix', 'other', 'open', 'library']) {
      assert.equal(await wharf.services.access.allows(caller, project, 'pull'), true, `pull in ${project}`);
      assert.equal(await wharf.services.access.allows(caller, project, 'push'), true, `push in ${project}`);
      assert.equal(await wharf.services.access.allows(caller, project, 'delete'), false, `delete in ${project}`);
    }
    assert.equal(await wharf.services.access.can(caller, 'matrix', 'member:manage'), false);
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'no-such-project'))], []);

    const readable = await wharf.services.access.readableProjects(caller);
    assert.notEqual(readable, 'all');
    assert.deepEqual([...(readable as string[])].sort(), ['library', 'matrix', 'open', 'other']);
  });

  test('system robot with named projects', async () => {
    const { robot } = await wharf.services.robots.create({
      name: 'named',
      grants: [{ project: 'other', actions: ['repository:pull', 'artifact:delete'] }],
    });
    const caller = robotCaller(robot.id, null, robot.grants);
    assert.equal(await wharf.services.access.allows(caller, 'other', 'pull'), true);
    assert.equal(await wharf.services.access.allows(caller, 'other', 'delete'), true);
    assert.equal(await wharf.services.access.allows(caller, 'other', 'push'), false);
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'matrix'))], []);
  });

  test('system robot named grant stays with its project', async () => {
    await wharf.services.projects.create('transient', { public: false });
    const { robot } = await wharf.services.robots.create({ name: 'transient-puller', grants: [{ project: 'transient', actions: ['repository:pull'] }] });
    const caller = robotCaller(robot.id, null, robot.grants);
    assert.equal(await wharf.services.access.allows(caller, 'transient', 'pull'), true);
    assert.deepEqual(await wharf.services.access.readableProjects(caller), ['library', 'open', 'transient']);

    // Someone else's project under the old name must not inherit the robot's grant.
    await wharf.services.projects.delete('transient');
    await wharf.services.projects.create('transient', { public: false });
    assert.deepEqual([...(await wharf.services.access.permissions(caller, 'transient'))], []);
    assert.deepEqual(await wharf.services.access.readableProjects(caller), ['library', 'open']);
  });

  test('robot grant needs an existing project', async () => {
    await assert.rejects(
      wharf.services.robots.create({ name: 'early', grants: [{ project: 'not-yet', actions: ['repository:pull'] }] }),
      { code: 'NOT_FOUND' },
    );
  });

  test('only wildcard covers later projects', async () => {
    const wildcard = await wharf.services.robots.create({ name: 'all-later', grants: [{ project: '*', actions: ['repository:pull'] }] });
    const named = await wharf.services.robots.create({ name: 'other-only', grants: [{ project: 'other', actions: ['repository:pull'] }] });
    await wharf.services.projects.create('later', { public: false });

    const wildcardCaller = robotCaller(wildcard.robot.id, null, wildcard.robot.grants);
    const namedCaller = robotCaller(named.robot.id, null, named.robot.grants);
    assert.equal(await wharf.services.access.allows(wildcardCaller, 'later', 'pull'), true);
    assert.ok(((await wharf.services.access.readableProjects(wildcardCaller)) as string[]).includes('later'));
    assert.deepEqual([...(await wharf.services.access.permissions(namedCaller, 'later'))], []);
    assert.deepEqual(await wharf.services.access.readableProjects(namedCaller), ['library', 'open', 'other']);
  });

  test('robot lists agree with reads', async () => {
    const { robot } = await wharf.services.robots.create({ name: 'chart-reader', grants: [{ project: 'other', actions: ['chart:read'] }] });
    const caller = robotCaller(robot.id, null, robot.grants);
    const { access } = wharf.services;
    for (const permission of ['project:read', 'chart:read', 'repository:pull'] as const) {
      const listed = ((await access.readableProjects(caller, permission)) as string[]).includes('other');
      assert.equal(listed, await access.can(caller, 'other', permission), permission);
    }
    assert.equal(await access.can(caller, 'other', 'repository:pull'), false);
  });

  test('migration binds legacy robot grants', async () => {
    const prisma = wharf.services.db.prisma;
    const other = await wharf.services.projects.get('other');
    const legacy = [
      { project: 'other', actions: ['repository:pull'] },
      { project: 'gone', actions: ['repository:pull'] },
      { project: '*', actions: ['chart:read'] },
    ];
    const row = await prisma.robotAccount.create({ data: { name: 'robot$legacy', secretHash: 'legacy-hash', permissions: legacy } });

    const sql = await readFile(path.resolve(import.meta.dirname, '../../prisma/migrations/0008_robot_grant_projects/migration.sql'), 'utf8');
    await prisma.$executeRawUnsafe(sql);
    const bound = await prisma.robotAccount.findUniqueOrThrow({ where: { id: row.id } });
    assert.deepEqual(bound.permissions, [{ ...legacy[0], projectId: other.id }, legacy[1], legacy[2]]);
    await prisma.robotAccount.delete({ where: { id: row.id } });
  });

  test('robot rejects unknown permissions', async () => {
    await assert.rejects(
      wharf.services.robots.create({ name: 'bogus', grants: [{ project: '*', actions: ['repository:everything' as Permission] }] }),
      { code: 'INVALID_INPUT' },
    );
  });

  test('role change takes effect at once', async () => {
    const user = await wharf.services.users.create({ username: 'promoted', password: 'password-1234' });
    const project = await wharf.services.projects.get('matrix');
    const caller = userCaller(user);

    await wharf.services.members.add(project.id, user.id, 'guest');
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'push'), false);
    await wharf.services.members.update(project.id, user.id, 'developer');
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'push'), true);
    await wharf.services.members.remove(project.id, user.id);
    assert.equal(await wharf.services.access.allows(caller, 'matrix', 'pull'), false);
  });

  test('private project hides after toggle', async () => {
    await wharf.services.projects.update('open', { public: false });
    try {
      assert.deepEqual([...(await wharf.services.access.permissions(ANONYMOUS, 'open'))], []);
      assert.deepEqual([...(await wharf.services.access.permissions(outsider, 'open'))], []);
    } finally {
      await wharf.services.projects.update('open', { public: true });
    }
  });

  test('member rejects unknown role', async () => {
    const project = await wharf.services.projects.get('matrix');
    const user = await wharf.services.users.create({ username: 'unknown-role', password: 'password-1234' });
    await assert.rejects(wharf.services.members.add(project.id, user.id, 'owner'), { code: 'INVALID_INPUT' });
  });
});
