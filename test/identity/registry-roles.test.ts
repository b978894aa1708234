import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROLES, type ProjectRole } from '../../api/access/permissions.ts';
import { addLayerByRepack, initLayout, newImage } from '../clients/oci-layout.ts';
import { CommandError, runCommand, skipUnlessInstalled } from '../support/tools.ts';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basicAuth, send } from './http.ts';

const PASSWORD = 'password-1234';
const ADMIN = `admin:${ADMIN_PASSWORD}`;

/** User name of the member with `role` in project `secret`. */
const memberName = (role: ProjectRole) => `secret-${role.toLowerCase()}`;
const memberCreds = (role: ProjectRole) => `${memberName(role)}:${PASSWORD}`;

describe('registry roles with skopeo', { skip: skipUnlessInstalled('skopeo', 'umoci') }, () => {
  let wharf: TestWharf;
  let host: string;
  let scratch: string;
  let layout: string;
  let copies = 0;
  /** `name:secret` pairs for skopeo's --creds options. */
  const robots: Record<'puller' | 'pusher' | 'everywhere' | 'elsewhere', string> = { puller: '', pusher: '', everywhere: '', elsewhere: '' };

  /** Skopeo with an empty auth file, so no credentials stored on this machine take part. */
  const skopeo = (...args: string[]) =>
    runCommand('skopeo', args, { env: { ...process.env, REGISTRY_AUTH_FILE: path.join(scratch, 'auth.json') } });

  /** Runs skopeo expecting failure and returns its stderr. The test fails when skopeo succeeds. */
  async function skopeoFails(...args: string[]): Promise<string> {
    try {
      await skopeo(...args);
    } catch (error) {
      if (error instanceof CommandError) return error.stderr;
      throw error;
    }
    return assert.fail(`skopeo ${args.join(' ')} succeeded but was expected to fail`);
  }

  const credsArgs = (option: string, creds: string | undefined) => (creds ? [`--${option}creds`, creds] : [`--${option}no-creds`]);

  const pushArgs = (creds: string | undefined, reference: string) => [
    'copy', ...credsArgs('dest-', creds), '--dest-tls-verify=false', `oci:${layout}:app`, `docker://${host}/${reference}`,
  ];
  const pullArgs = (creds: string | undefined, reference: string) => [
    'copy', ...credsArgs('src-', creds), '--src-tls-verify=false', `docker://${host}/${reference}`, `oci:${path.join(scratch, `copy-${++copies}`)}:x`,
  ];
  const inspectArgs = (creds: string | undefined, reference: string) => [
    'inspect', ...credsArgs('', creds), '--tls-verify=false', `docker://${host}/${reference}`,
  ];
  const deleteArgs = (creds: string | undefined, reference: string) => [
    'delete', ...credsArgs('', creds), '--tls-verify=false', `docker://${host}/${reference}`,
  ];

  const push = (creds: string | undefined, reference: string) => skopeo(...pushArgs(creds, reference));
  const pull = (creds: string | undefined, reference: string) => skopeo(...pullArgs(creds, reference));
  const exists = async (reference: string) => {
    try {
      await skopeo(...inspectArgs(ADMIN, reference));
      return true;
    } catch (error) {
      if (error instanceof CommandError) return false;
      throw error;
    }
  };

  before(async () => {
    wharf = await startTestWharf();
    host = new URL(wharf.url).host;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-roles-'));
    layout = path.join(scratch, 'images');
    await initLayout(layout);
    await newImage(layout, 'app');
    await addLayerByRepack(layout, 'app', { 'opt/app/data.bin': randomBytes(16 * 1024) });

    const { users, projects, members, robots: robotService } = wharf.services;
    const secret = await projects.create('secret', { public: false });
    await projects.create('hidden', { public: false });
    await projects.create('elsewhere', { public: false });
    for (const role of PROJECT_ROLES) {
      const user = await users.create({ username: memberName(role), password: PASSWORD });
      await members.add(secret.id, user.id, role);
    }
    await users.create({ username: 'outsider', password: PASSWORD });

    const puller = await robotService.create({ name: 'puller', project: 'secret', grants: [{ project: 'secret', actions: ['repository:pull'] }] });
    robots.puller = `${puller.robot.name}:${puller.secret}`;
    const pusher = await robotService.create({ name: 'pusher', project: 'secret', grants: [{ project: 'secret', actions: ['repository:push'] }] });
    robots.pusher = `${pusher.robot.name}:${pusher.secret}`;
    const everywhere = await robotService.create({ name: 'everywhere', grants: [{ project: '*', actions: ['repository:pull'] }] });
    robots.everywhere = `${everywhere.robot.name}:${everywhere.secret}`;
    const elsewhere = await robotService.create({
      name: 'ci',
      project: 'elsewhere',
      grants: [{ project: 'elsewhere', actions: ['repository:pull', 'repository:push', 'artifact:delete'] }],
    });
    robots.elsewhere = `${elsewhere.robot.name}:${elsewhere.secret}`;

    await push(ADMIN, 'secret/base:1.0');
    await push(ADMIN, 'hidden/base:1.0');
    await push(ADMIN, 'library/base:1.0');
  });

  after(async () => {
    await wharf?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  describe('private project', () => {
    test('outsider cannot pull or inspect', async () => {
      await skopeoFails(...pullArgs(`outsider:${PASSWORD}`, 'secret/base:1.0'));
      await skopeoFails(...inspectArgs(`outsider:${PASSWORD}`, 'secret/base:1.0'));
      await skopeoFails(...pullArgs(undefined, 'secret/base:1.0'));
    });

    test('looks like a missing project to skopeo', async () => {
      // Skopeo stamps each message with the time, which may tick between the two runs.
      const withoutTime = (stderr: string) => stderr.replace(/time="[^"]*"/g, 'time=T');
      for (const creds of [`outsider:${PASSWORD}`, undefined]) {
        const secret = withoutTime(await skopeoFails(...inspectArgs(creds, 'secret/base:1.0')));
        const missing = withoutTime(await skopeoFails(...inspectArgs(creds, 'ghost/base:1.0')));
        assert.equal(secret.replaceAll('secret/base', 'NAME'), missing.replaceAll('ghost/base', 'NAME'), `as ${creds ?? 'anonymous'}`);
      }
    });

    test('looks like a missing project over HTTP', async () => {
      const digest = `sha256:${'a'.repeat(64)}`;
      const paths = (project: string) => [
        `/v2/${project}/base/manifests/1.0`,
        `/v2/${project}/base/manifests/${digest}`,
        `/v2/${project}/base/tags/list`,
        `/v2/${project}/base/blobs/${digest}`,
        `/v2/${project}/base/referrers/${digest}`,
      ];
      const callers = { outsider: basicAuth('outsider', PASSWORD), anonymous: undefined, robot: basicAuth(...(robots.elsewhere.split(':') as [string, string])) };
      for (const [who, authorization] of Object.entries(callers)) {
        const [secretPaths, ghostPaths] = [paths('secret'), paths('ghost')];
        for (let index = 0; index < secretPaths.length; index++) {
          for (const method of ['GET', 'HEAD', 'DELETE']) {
            const headers: Record<string, string> = authorization ? { authorization } : {};
            const secret = await send(wharf.url, { method, path: secretPaths[index]!, headers });
            const ghost = await send(wharf.url, { method, path: ghostPaths[index]!, headers });
            const label = `${who} ${method} ${secretPaths[index]}`;
            assert.ok(secret.status === 401 || secret.status === 403 || secret.status === 405, `${label} returned ${secret.status}`);
            assert.equal(secret.status, ghost.status, label);
            assert.equal(secret.body.replaceAll('secret/', 'NAME/'), ghost.body.replaceAll('ghost/', 'NAME/'), label);
            assert.equal(
              String(secret.headers['www-authenticate']).replaceAll('secret/', 'NAME/'),
              String(ghost.headers['www-authenticate']).replaceAll('ghost/', 'NAME/'),
              label,
            );
          }
        }
      }
    });

    test('anonymous pulls the public project', async () => {
      await pull(undefined, 'library/base:1.0');
      await skopeo(...inspectArgs(undefined, 'library/base:1.0'));
      await skopeoFails(...pushArgs(undefined, 'library/anonymous:1.0'));
    });

    test('outsider pulls public but cannot push', async () => {
      await pull(`outsider:${PASSWORD}`, 'library/base:1.0');
      await skopeoFails(...pushArgs(`outsider:${PASSWORD}`, 'library/outsider:1.0'));
      assert.equal(await exists('library/outsider:1.0'), false);
    });
  });

  describe('project roles', () => {
    test('developer pushes but cannot delete', async () => {
      await push(memberCreds('developer'), 'secret/developer:1.0');
      await pull(memberCreds('developer'), 'secret/developer:1.0');
      await pull(memberCreds('developer'), 'secret/base:1.0');

      const stderr = await skopeoFails(...deleteArgs(memberCreds('developer'), 'secret/developer:1.0'));
      assert.match(stderr, /denied|unauthorized|403|401/i);
      assert.equal(await exists('secret/developer:1.0'), true, 'the image survived the refused delete');
    });

    test('guest can only pull', async () => {
      await pull(memberCreds('guest'), 'secret/base:1.0');
      await skopeo(...inspectArgs(memberCreds('guest'), 'secret/base:1.0'));
      await skopeoFails(...pushArgs(memberCreds('guest'), 'secret/guest:1.0'));
      await skopeoFails(...deleteArgs(memberCreds('guest'), 'secret/base:1.0'));
      assert.equal(await exists('secret/guest:1.0'), false);
      assert.equal(await exists('secret/base:1.0'), true);
    });

    test('limited guest pulls', async () => {
      await pull(memberCreds('limitedGuest'), 'secret/base:1.0');
      await skopeoFails(...pushArgs(memberCreds('limitedGuest'), 'secret/limited:1.0'));
      await skopeoFails(...deleteArgs(memberCreds('limitedGuest'), 'secret/base:1.0'));
      assert.equal(await exists('secret/base:1.0'), true);
    });

    test('maintainer pushes and deletes', async () => {
      await push(memberCreds('maintainer'), 'secret/maintainer:1.0');
      await skopeo(...deleteArgs(memberCreds('maintainer'), 'secret/maintainer:1.0'));
      assert.equal(await exists('secret/maintainer:1.0'), false);
    });

    test('project admin pushes and deletes', async () => {
      await push(memberCreds('projectAdmin'), 'secret/owner:1.0');
      await skopeo(...deleteArgs(memberCreds('projectAdmin'), 'secret/owner:1.0'));
      assert.equal(await exists('secret/owner:1.0'), false);
    });

    test('members cannot reach other projects', async () => {
      for (const role of PROJECT_ROLES) {
        await skopeoFails(...pullArgs(memberCreds(role), 'hidden/base:1.0'));
      }
      await skopeoFails(...pushArgs(memberCreds('projectAdmin'), 'hidden/intruder:1.0'));
      assert.equal(await exists('hidden/intruder:1.0'), false);
    });
  });

  describe('robot accounts', () => {
    test('pull-only robot cannot push', async () => {
      await pull(robots.puller, 'secret/base:1.0');
      await skopeoFails(...pushArgs(robots.puller, 'secret/robot-pull:1.0'));
      await skopeoFails(...deleteArgs(robots.puller, 'secret/base:1.0'));
      assert.equal(await exists('secret/robot-pull:1.0'), false);
    });

    test('push robot pushes', async () => {
      await push(robots.pusher, 'secret/robot-push:1.0');
      await pull(robots.pusher, 'secret/robot-push:1.0');
      await skopeoFails(...deleteArgs(robots.pusher, 'secret/robot-push:1.0'));
    });

    test('project robot stays in its project', async () => {
      await skopeoFails(...pullArgs(robots.elsewhere, 'secret/base:1.0'));
      await skopeoFails(...pushArgs(robots.elsewhere, 'secret/robot-elsewhere:1.0'));
      await push(robots.elsewhere, 'elsewhere/robot:1.0');
      assert.equal(await exists('secret/robot-elsewhere:1.0'), false);
    });

    test('system robot pulls everywhere', async () => {
      await pull(robots.everywhere, 'secret/base:1.0');
      await pull(robots.everywhere, 'hidden/base:1.0');
      await skopeoFails(...pushArgs(robots.everywhere, 'hidden/robot:1.0'));
    });

    test('system robot with named projects', async () => {
      const { robot, secret } = await wharf.services.robots.create({
        name: 'secret-writer',
        grants: [{ project: 'secret', actions: ['repository:push'] }],
      });
      const creds = `${robot.name}:${secret}`;
      await push(creds, 'secret/system-robot:1.0');
      await pull(creds, 'secret/system-robot:1.0');
      await skopeoFails(...deleteArgs(creds, 'secret/system-robot:1.0'));
      await skopeoFails(...pullArgs(creds, 'hidden/base:1.0'));
      await skopeoFails(...pushArgs(creds, 'hidden/system-robot:1.0'));
      assert.equal(await exists('hidden/system-robot:1.0'), false);
    });

    test('only wildcard robot reaches later projects', async () => {
      const named = await wharf.services.robots.create({ name: 'named-early', grants: [{ project: 'secret', actions: ['repository:pull'] }] });
      await wharf.services.projects.create('later', { public: false });
      await push(ADMIN, 'later/base:1.0');

      await pull(robots.everywhere, 'later/base:1.0');
      await skopeoFails(...pullArgs(`${named.robot.name}:${named.secret}`, 'later/base:1.0'));
    });

    test('disabled robot is refused', async () => {
      const { robot, secret } = await wharf.services.robots.create({
        name: 'short-lived',
        project: 'secret',
        grants: [{ project: 'secret', actions: ['repository:pull'] }],
      });
      await pull(`${robot.name}:${secret}`, 'secret/base:1.0');
      await wharf.services.robots.setDisabled(robot.id, true);
      await skopeoFails(...pullArgs(`${robot.name}:${secret}`, 'secret/base:1.0'));
    });
  });

  describe('personal access tokens', () => {
    test('token works where a password works', async () => {
      const user = await wharf.services.users.findByName(memberName('developer'));
      const { secret } = await wharf.services.accessTokens.create(user!.id, 'laptop', new Date(Date.now() + 3600_000));
      const creds = `${memberName('developer')}:${secret}`;

      await push(creds, 'secret/token:1.0');
      await pull(creds, 'secret/token:1.0');
      await skopeoFails(...deleteArgs(creds, 'secret/token:1.0'));
      await skopeoFails(...pullArgs(`outsider:${secret}`, 'secret/base:1.0'));
    });

    test('revoked token stops working', async () => {
      const user = await wharf.services.users.findByName(memberName('guest'));
      const { token, secret } = await wharf.services.accessTokens.create(user!.id, 'revoked', null);
      const creds = `${memberName('guest')}:${secret}`;
      await pull(creds, 'secret/base:1.0');

      await wharf.services.accessTokens.revoke(token.id);
      await skopeoFails(...pullArgs(creds, 'secret/base:1.0'));
      await skopeoFails(...inspectArgs(creds, 'library/base:1.0'));
    });

    test('expired token stops working', async () => {
      const user = await wharf.services.users.findByName(memberName('guest'));
      const { token, secret } = await wharf.services.accessTokens.create(user!.id, 'expiring', new Date(Date.now() + 3600_000));
      const creds = `${memberName('guest')}:${secret}`;
      await pull(creds, 'secret/base:1.0');

      await wharf.services.db.prisma.accessToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      await skopeoFails(...pullArgs(creds, 'secret/base:1.0'));
    });

    test('bearer token works on the registry', async () => {
      const user = await wharf.services.users.findByName(memberName('guest'));
      const { token, secret } = await wharf.services.accessTokens.create(user!.id, 'bearer', null);
      const headers = { authorization: `Bearer ${secret}`, accept: 'application/vnd.oci.image.manifest.v1+json' };
      assert.equal((await send(wharf.url, { path: '/v2/secret/base/manifests/1.0', headers })).status, 200);

      await wharf.services.accessTokens.revoke(token.id);
      assert.equal((await send(wharf.url, { path: '/v2/secret/base/manifests/1.0', headers })).status, 401);
    });
  });

  describe('catalog', () => {
    async function catalog(authorization: string | undefined): Promise<string[]> {
      const response = await send(wharf.url, { path: '/v2/_catalog?n=1000', headers: authorization ? { authorization } : {} });
      assert.equal(response.status, 200, response.body);
      return (JSON.parse(response.body) as { repositories: string[] }).repositories;
    }

    const projectsOf = (repositories: string[]) => [...new Set(repositories.map((name) => name.split('/')[0]))].sort();

    test('lists only readable repositories', async () => {
      assert.deepEqual(projectsOf(await catalog(wharf.adminAuth)), ['elsewhere', 'hidden', 'later', 'library', 'secret']);
      assert.deepEqual(projectsOf(await catalog(basicAuth('outsider', PASSWORD))), ['library']);
      assert.deepEqual(projectsOf(await catalog(undefined)), ['library']);
      for (const role of PROJECT_ROLES) {
        assert.deepEqual(projectsOf(await catalog(basicAuth(memberName(role), PASSWORD))), ['library', 'secret'], role);
      }
      assert.deepEqual(projectsOf(await catalog(basicAuth(...(robots.puller.split(':') as [string, string])))), ['library', 'secret']);
      assert.deepEqual(projectsOf(await catalog(basicAuth(...(robots.elsewhere.split(':') as [string, string])))), ['elsewhere', 'library']);
      assert.deepEqual(projectsOf(await catalog(basicAuth(...(robots.everywhere.split(':') as [string, string])))), [
        'elsewhere', 'hidden', 'later', 'library', 'secret',
      ]);
    });

    test('lists only readable with a token', async () => {
      const response = await send(wharf.url, {
        path: '/service/token?service=wharf&scope=registry:catalog:*',
        headers: { authorization: basicAuth('outsider', PASSWORD) },
      });
      const token = (JSON.parse(response.body) as { token: string }).token;
      assert.deepEqual(projectsOf(await catalog(`Bearer ${token}`)), ['library']);
    });
  });
});
