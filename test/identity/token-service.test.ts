import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basicAuth, pushImage, type PushedImage, type RawRequest, type RawResponse, send } from './http.ts';

const PASSWORD = 'password-1234';
/** Failed sign-ins that lock a user name, and a client address, in LoginThrottle. */
const USER_FAILURE_LIMIT = 10;
const ADDRESS_FAILURE_LIMIT = 50;

interface TokenBody {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function accessOf(token: string): Access[] {
  return decodeJwt(token).access as Access[];
}

describe('docker token service', () => {
  let wharf: TestWharf;
  let vaultImage: PushedImage;
  let libraryImage: PushedImage;

  const request = (options: RawRequest): Promise<RawResponse> => send(wharf.url, options);

  const tokenPath = (scopes: string[], service = 'wharf') =>
    `/service/token?${new URLSearchParams([['service', service], ...scopes.map((scope) => ['scope', scope])]).toString()}`;

  /** Requests a token with GET and returns it. The test fails unless the status is 200. */
  async function fetchToken(authorization: string | undefined, scopes: string[]): Promise<string> {
    const response = await request({ path: tokenPath(scopes), headers: authorization ? { authorization } : {} });
    assert.equal(response.status, 200, response.body);
    const body = JSON.parse(response.body) as TokenBody;
    assert.ok(body.token);
    return body.token;
  }

  /** Signs a token with Wharf's own signing key, for claims the token service would never issue. */
  async function forgeWithRealKey(claims: Record<string, unknown>, expiresAt: number): Promise<string> {
    const key = await wharf.services.db.prisma.signingKey.findFirstOrThrow({ orderBy: { createdAt: 'asc' } });
    const privateKey = await importPKCS8(key.privateKey, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ access: [], wharf: { kind: 'user', id: 1 }, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer((claims.iss as string | undefined) ?? 'wharf-token-service')
      .setAudience((claims.aud as string | undefined) ?? 'wharf')
      .setSubject('admin')
      .setIssuedAt(now - 600)
      .setNotBefore(now - 600)
      .setExpirationTime(expiresAt)
      .sign(privateKey);
  }

  const manifestPath = (repository: string, reference: string) => `/v2/${repository}/manifests/${reference}`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'application/vnd.oci.image.manifest.v1+json' });

  before(async () => {
    wharf = await startTestWharf();
    const { users, projects, members } = wharf.services;
    const vault = await projects.create('vault', { public: false });
    const library = await projects.get('library');

    const developer = await users.create({ username: 'developer', password: PASSWORD });
    await members.add(vault.id, developer.id, 'developer');
    const libraryDeveloper = await users.create({ username: 'library-dev', password: PASSWORD });
    await members.add(library.id, libraryDeveloper.id, 'developer');

    vaultImage = await pushImage(wharf.url, wharf.adminAuth, 'vault/app', '1.0');
    libraryImage = await pushImage(wharf.url, wharf.adminAuth, 'library/app', '1.0');
  });

  after(async () => {
    await wharf?.close();
  });

  describe('token response', () => {
    test('has the fields clients read', async () => {
      const before = Date.now();
      const response = await request({
        path: tokenPath(['repository:vault/app:pull']),
        headers: { authorization: basicAuth('developer', PASSWORD) },
      });
      assert.equal(response.status, 200, response.body);
      assert.match(String(response.headers['content-type']), /^application\/json/);

      const body = JSON.parse(response.body) as TokenBody;
      assert.ok(body.token, 'token is missing');
      assert.equal(body.access_token, body.token);
      assert.equal(typeof body.expires_in, 'number');
      assert.ok(body.expires_in! >= 60, `expires_in ${body.expires_in}`);
      assert.match(body.issued_at ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      const issuedAt = Date.parse(body.issued_at!);
      assert.ok(Math.abs(issuedAt - before) < 5000, `issued_at ${body.issued_at} is not now`);
    });

    test('is an ES256 JWT for wharf', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), ['repository:vault/app:pull']);
      const header = decodeProtectedHeader(token);
      assert.equal(header.alg, 'ES256');
      assert.ok(header.kid, 'kid is missing');

      const claims = decodeJwt(token);
      assert.equal(claims.aud, 'wharf');
      assert.equal(claims.sub, 'developer');
      assert.ok(claims.jti, 'jti is missing');
      assert.ok(claims.exp! - claims.iat! >= 60);
      assert.deepEqual(claims.access, [{ type: 'repository', name: 'vault/app', actions: ['pull'] }]);
    });

    test('without scope grants no access', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), []);
      assert.deepEqual(accessOf(token), []);
      const ping = await request({ path: '/v2/', headers: { authorization: `Bearer ${token}` } });
      assert.equal(ping.status, 200);
    });

    test('without service is accepted', async () => {
      const response = await request({ path: '/service/token?scope=repository:library/app:pull' });
      assert.equal(response.status, 200, response.body);
    });
  });

  describe('grants', () => {
    test('anonymous gets pull on public only', async () => {
      const token = await fetchToken(undefined, ['repository:library/app:pull,push,delete', 'repository:vault/app:pull']);
      assert.deepEqual(accessOf(token), [
        { type: 'repository', name: 'library/app', actions: ['pull'] },
        { type: 'repository', name: 'vault/app', actions: [] },
      ]);
      assert.equal(decodeJwt(token).sub, '');
    });

    test('empty Basic credentials are anonymous', async () => {
      const token = await fetchToken('Basic Og==', ['repository:library/app:pull', 'repository:vault/app:pull']);
      assert.deepEqual(accessOf(token), [
        { type: 'repository', name: 'library/app', actions: ['pull'] },
        { type: 'repository', name: 'vault/app', actions: [] },
      ]);
    });

    test('developer gets the intersection', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), ['repository:vault/app:push,pull,delete']);
      assert.deepEqual(accessOf(token), [{ type: 'repository', name: 'vault/app', actions: ['push', 'pull'] }]);
    });

    test('wildcard action expands to allowed actions', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), ['repository:vault/app:*']);
      assert.deepEqual(accessOf(token)[0]?.actions.sort(), ['pull', 'push']);
    });

    test('outsider gets empty actions', async () => {
      const token = await fetchToken(basicAuth('library-dev', PASSWORD), ['repository:vault/app:pull', 'repository:ghost/app:pull']);
      assert.deepEqual(accessOf(token), [
        { type: 'repository', name: 'vault/app', actions: [] },
        { type: 'repository', name: 'ghost/app', actions: [] },
      ]);
    });

    test('admin gets every action', async () => {
      const token = await fetchToken(wharf.adminAuth, ['repository:vault/app:pull,push,delete']);
      assert.deepEqual(accessOf(token)[0]?.actions, ['pull', 'push', 'delete']);
    });

    test('malformed scopes are ignored', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), [
        'repository:vault/app',
        'garbage',
        'repository::pull',
        'repository:VAULT/app:pull',
        'repository:vault/../vault/app:pull',
        'repository:localhost:5000/vault/app:pull',
        'repository(plugin):vault/app:pull',
      ]);
      assert.deepEqual(accessOf(token), [{ type: 'repository', name: 'vault/app', actions: ['pull'] }]);
    });

    test('pull token cannot push', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), ['repository:vault/app:pull']);
      const pull = await request({ path: manifestPath('vault/app', '1.0'), headers: bearer(token) });
      assert.equal(pull.status, 200);
      assert.equal(pull.body, vaultImage.manifest.toString());

      const push = await request({ method: 'POST', path: '/v2/vault/app/blobs/uploads/', headers: bearer(token) });
      assert.equal(push.status, 401);
      assert.match(String(push.headers['www-authenticate']), /error="insufficient_scope"/);
      assert.match(String(push.headers['www-authenticate']), /scope="repository:vault\/app:pull,push"/);
    });

    test('token covers only its repository', async () => {
      const token = await fetchToken(basicAuth('developer', PASSWORD), ['repository:vault/app:pull']);
      const other = await request({ path: manifestPath('vault/other', '1.0'), headers: bearer(token) });
      assert.equal(other.status, 401);
      assert.match(String(other.headers['www-authenticate']), /insufficient_scope/);
    });
  });

  describe('POST password grant', () => {
    const post = (form: Record<string, string>, localAddress?: string) =>
      request({
        method: 'POST',
        path: '/service/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        ...(localAddress ? { localAddress } : {}),
      });

    test('returns access_token', async () => {
      const response = await post({
        grant_type: 'password',
        username: 'developer',
        password: PASSWORD,
        service: 'wharf',
        client_id: 'containerd-client',
        scope: 'repository:vault/app:pull repository:library/app:pull',
      });
      assert.equal(response.status, 200, response.body);
      const body = JSON.parse(response.body) as TokenBody;
      assert.ok(body.access_token);
      assert.ok(body.expires_in! >= 60);
      assert.deepEqual(accessOf(body.access_token), [
        { type: 'repository', name: 'vault/app', actions: ['pull'] },
        { type: 'repository', name: 'library/app', actions: ['pull'] },
      ]);
    });

    test('bad password is 401', async () => {
      const response = await post({ grant_type: 'password', username: 'developer', password: 'wrong-password', service: 'wharf' });
      assert.equal(response.status, 401);
    });

    test('unknown grant type is 400', async () => {
      const response = await post({ grant_type: 'refresh_token', refresh_token: 'x', service: 'wharf' });
      assert.equal(response.status, 400);
    });

    test('service mismatch is 400', async () => {
      const response = await post({ grant_type: 'password', username: 'developer', password: PASSWORD, service: 'registry.docker.io' });
      assert.equal(response.status, 400);
    });
  });

  describe('credentials', () => {
    test('wrong password is 401', async () => {
      const response = await request({ path: tokenPath([]), headers: { authorization: basicAuth('developer', 'wrong-password') } });
      assert.equal(response.status, 401);
      assert.equal(response.body.includes('developer'), false);
    });

    test('unknown user is 401', async () => {
      const response = await request({ path: tokenPath([]), headers: { authorization: basicAuth('nobody-here', PASSWORD) } });
      assert.equal(response.status, 401);
    });

    test('malformed Basic is 401', async () => {
      for (const authorization of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Digest abc']) {
        const response = await request({ path: tokenPath([]), headers: { authorization } });
        assert.equal(response.status, 401, authorization);
      }
    });

    test('service mismatch is 400', async () => {
      const response = await request({
        path: tokenPath(['repository:vault/app:pull'], 'registry.docker.io'),
        headers: { authorization: basicAuth('developer', PASSWORD) },
      });
      assert.equal(response.status, 400);
    });

    test('disabled user is rejected', async () => {
      const user = await wharf.services.users.create({ username: 'soon-disabled', password: PASSWORD });
      const vault = await wharf.services.projects.get('vault');
      await wharf.services.members.add(vault.id, user.id, 'guest');
      const token = await fetchToken(basicAuth('soon-disabled', PASSWORD), ['repository:vault/app:pull']);
      assert.equal((await request({ path: manifestPath('vault/app', '1.0'), headers: bearer(token) })).status, 200);

      await wharf.services.users.update(user.id, { disabled: true });
      const withToken = await request({ path: manifestPath('vault/app', '1.0'), headers: bearer(token) });
      assert.equal(withToken.status, 401);
      assert.match(String(withToken.headers['www-authenticate']), /error="invalid_token"/);

      const signIn = await request({ path: tokenPath([]), headers: { authorization: basicAuth('soon-disabled', PASSWORD) } });
      assert.equal(signIn.status, 401);
      const basic = await request({ path: manifestPath('vault/app', '1.0'), headers: { authorization: basicAuth('soon-disabled', PASSWORD) } });
      assert.equal(basic.status, 401);
    });

    test('registry token cannot buy a wider one', async () => {
      const narrow = await fetchToken(basicAuth('developer', PASSWORD), ['repository:library/app:pull']);
      const response = await request({ path: tokenPath(['repository:vault/app:pull,push']), headers: { authorization: `Bearer ${narrow}` } });
      if (response.status === 200) {
        const wider = (JSON.parse(response.body) as TokenBody).token!;
        assert.deepEqual(accessOf(wider)[0]?.actions, [], 'a pull token for library/app was exchanged for push on vault/app');
      } else {
        assert.equal(response.status, 401);
      }
    });

    test('unknown user takes as long as known', async () => {
      await wharf.services.users.create({ username: 'timed', password: PASSWORD });
      // Fewer failures in all than the per-user limit, so no check ends early at the lock.
      const median = async (username: string, octet: number, attempts: number): Promise<number> => {
        const durations: number[] = [];
        for (let attempt = 0; attempt < attempts; attempt++) {
          const start = performance.now();
          await request({ path: tokenPath([]), headers: { authorization: basicAuth(username, `wrong-${attempt}`) }, localAddress: `127.0.6.${octet}` });
          durations.push(performance.now() - start);
        }
        return durations.sort((a, b) => a - b)[Math.floor(attempts / 2)]!;
      };
      // Warm up argon2 and the connection pool before measuring.
      await median('timed', 1, 2);
      const known = await median('timed', 2, 5);
      const unknown = await median('no-such-user', 3, 5);
      // Argon2 dominates a real check, so without it an unknown name fails in a fraction of the time.
      assert.ok(unknown > known * 0.5, `unknown user rejected in ${unknown.toFixed(1)} ms, known in ${known.toFixed(1)} ms`);
    });

    test('password with token prefix is rejected', async () => {
      await assert.rejects(wharf.services.users.create({ username: 'confusing', password: 'wharf_pat_abcdefgh' }), { code: 'INVALID_INPUT' });
    });

    test('access token exchanges for a registry token', async () => {
      const user = await wharf.services.users.findByName('developer');
      const { secret } = await wharf.services.accessTokens.create(user!.id, 'ci', null);
      const token = await fetchToken(basicAuth('developer', secret), ['repository:vault/app:pull']);
      assert.deepEqual(accessOf(token)[0]?.actions, ['pull']);

      const foreign = await request({ path: tokenPath([]), headers: { authorization: basicAuth('library-dev', secret) } });
      assert.equal(foreign.status, 401, 'a token of developer signed in as library-dev');
    });
  });

  describe('attacks on the token', () => {
    const pull = (token: string) => request({ path: manifestPath('vault/app', '1.0'), headers: bearer(token) });

    async function assertRejected(token: string): Promise<void> {
      const response = await pull(token);
      assert.equal(response.status, 401, response.body);
      assert.match(String(response.headers['www-authenticate']), /^Bearer realm="[^"]+\/service\/token",service="wharf"/);
      assert.equal(response.body.includes(vaultImage.configDigest), false);
    }

    test('alg none is rejected', async () => {
      const real = await fetchToken(wharf.adminAuth, ['repository:vault/app:pull']);
      const [, payload] = real.split('.');
      for (const alg of ['none', 'None', 'NONE']) {
        const header = base64url({ alg, typ: 'JWT', kid: decodeProtectedHeader(real).kid });
        await assertRejected(`${header}.${payload}.`);
        await assertRejected(`${header}.${payload}`);
      }
    });

    test('HS256 with the public key is rejected', async () => {
      const key = await wharf.services.db.prisma.signingKey.findFirstOrThrow();
      const now = Math.floor(Date.now() / 1000);
      for (const secret of [key.publicKey, key.publicKey.trim()]) {
        const token = await new SignJWT({ access: [{ type: 'repository', name: 'vault/app', actions: ['pull'] }], wharf: { kind: 'user', id: 1 } })
          .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
          .setIssuer('wharf-token-service')
          .setAudience('wharf')
          .setSubject('admin')
          .setIssuedAt(now)
          .setExpirationTime(now + 300)
          .sign(new TextEncoder().encode(secret));
        await assertRejected(token);
      }
    });

    test('expired token is rejected', async () => {
      const access = [{ type: 'repository', name: 'vault/app', actions: ['pull'] }];
      const valid = await forgeWithRealKey({ access }, Math.floor(Date.now() / 1000) + 300);
      assert.equal((await pull(valid)).status, 200, 'the forging helper itself must produce a valid token');

      await assertRejected(await forgeWithRealKey({ access }, Math.floor(Date.now() / 1000) - 10));
    });

    test('other audience is rejected', async () => {
      const access = [{ type: 'repository', name: 'vault/app', actions: ['pull'] }];
      const expiry = Math.floor(Date.now() / 1000) + 300;
      await assertRejected(await forgeWithRealKey({ access, aud: 'registry.docker.io' }, expiry));
      await assertRejected(await forgeWithRealKey({ access, iss: 'someone-else' }, expiry));
    });

    test('other service challenge is rejected', async () => {
      // A token request for another service must not produce a token at all.
      const response = await request({ path: tokenPath(['repository:vault/app:pull'], 'evil'), headers: { authorization: wharf.adminAuth } });
      assert.equal(response.status, 400);
    });

    test('tampered scope is rejected', async () => {
      const real = await fetchToken(basicAuth('library-dev', PASSWORD), ['repository:vault/app:pull']);
      const [header, payload, signature] = real.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      claims.access = [{ type: 'repository', name: 'vault/app', actions: ['pull', 'push', 'delete'] }];
      await assertRejected(`${header}.${base64url(claims)}.${signature}`);

      claims.wharf = { kind: 'user', id: 1 };
      await assertRejected(`${header}.${base64url(claims)}.${signature}`);
    });

    test('foreign key with a known kid is rejected', async () => {
      const key = await wharf.services.db.prisma.signingKey.findFirstOrThrow();
      const { privateKey } = await generateKeyPair('ES256');
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ access: [{ type: 'repository', name: 'vault/app', actions: ['pull'] }], wharf: { kind: 'user', id: 1 } })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid })
        .setIssuer('wharf-token-service')
        .setAudience('wharf')
        .setExpirationTime(now + 300)
        .sign(privateKey);
      await assertRejected(token);

      const unknownKid = await new SignJWT({ wharf: { kind: 'anonymous' } })
        .setProtectedHeader({ alg: 'ES256', kid: 'not-a-key' })
        .setIssuer('wharf-token-service')
        .setAudience('wharf')
        .setExpirationTime(now + 300)
        .sign(privateKey);
      await assertRejected(unknownKid);
    });

    test('garbage bearer values are rejected', async () => {
      for (const token of ['', 'a.b.c', 'not-a-jwt', '....', 'e30.e30.e30']) {
        const response = await request({ path: manifestPath('vault/app', '1.0'), headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 401, JSON.stringify(token));
      }
    });

    test('robot token dies with the robot', async () => {
      const robots = wharf.services.robots;
      for (const change of ['disable', 'expire', 'delete'] as const) {
        const { robot, secret } = await robots.create({
          name: `ci-${change}`,
          project: 'vault',
          grants: [{ project: 'vault', actions: ['repository:pull'] }],
        });
        const token = await fetchToken(basicAuth(robot.name, secret), ['repository:vault/app:pull']);
        assert.equal((await pull(token)).status, 200);

        if (change === 'disable') await robots.setDisabled(robot.id, true);
        if (change === 'expire') {
          await wharf.services.db.prisma.robotAccount.update({ where: { id: robot.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
        }
        if (change === 'delete') await robots.delete(robot.id);
        await assertRejected(token);

        const signIn = await request({ path: tokenPath([]), headers: { authorization: basicAuth(robot.name, secret) } });
        assert.equal(signIn.status, 401, `robot sign-in after ${change}`);
      }
    });

    test('robot refreshed secret replaces the old', async () => {
      const { robot, secret } = await wharf.services.robots.create({
        name: 'refreshed',
        project: 'vault',
        grants: [{ project: 'vault', actions: ['repository:pull'] }],
      });
      const refreshed = await wharf.services.robots.refreshSecret(robot.id);
      assert.equal((await request({ path: tokenPath([]), headers: { authorization: basicAuth(robot.name, secret) } })).status, 401);
      assert.equal((await request({ path: tokenPath([]), headers: { authorization: basicAuth(robot.name, refreshed.secret) } })).status, 200);
    });

    test('robot secret under another name is rejected', async () => {
      const { secret } = await wharf.services.robots.create({
        name: 'named-right',
        project: 'vault',
        grants: [{ project: 'vault', actions: ['repository:pull'] }],
      });
      const response = await request({ path: tokenPath([]), headers: { authorization: basicAuth('robot$vault+other', secret) } });
      assert.equal(response.status, 401);
    });

    test('token after losing the role is 403', async () => {
      const user = await wharf.services.users.create({ username: 'leaver', password: PASSWORD });
      const vault = await wharf.services.projects.get('vault');
      await wharf.services.members.add(vault.id, user.id, 'maintainer');
      const token = await fetchToken(basicAuth('leaver', PASSWORD), ['repository:vault/app:pull,push,delete']);
      assert.deepEqual(accessOf(token)[0]?.actions, ['pull', 'push', 'delete']);
      assert.equal((await pull(token)).status, 200);

      await wharf.services.members.update(vault.id, user.id, 'guest');
      const deleted = await request({ method: 'DELETE', path: manifestPath('vault/app', vaultImage.digest), headers: bearer(token) });
      assert.equal(deleted.status, 403);
      assert.equal(JSON.parse(deleted.body).errors[0].code, 'DENIED');
      const pushed = await request({ method: 'POST', path: '/v2/vault/app/blobs/uploads/', headers: bearer(token) });
      assert.equal(pushed.status, 403);

      await wharf.services.members.remove(vault.id, user.id);
      const pulled = await pull(token);
      assert.equal(pulled.status, 403);
      assert.equal(JSON.parse(pulled.body).errors[0].code, 'DENIED');
    });

    test('admin token loses power with the flag', async () => {
      const user = await wharf.services.users.create({ username: 'former-admin', password: PASSWORD, isAdmin: true });
      const token = await fetchToken(basicAuth('former-admin', PASSWORD), ['repository:vault/app:pull']);
      assert.equal((await pull(token)).status, 200);
      await wharf.services.users.update(user.id, { isAdmin: false });
      assert.equal((await pull(token)).status, 403);
    });
  });

  describe('repository name tricks', () => {
    const outsider = () => basicAuth('library-dev', PASSWORD);

    test('paths never reach another project', async () => {
      const paths = [
        '/v2/library/../vault/app/manifests/1.0',
        '/v2/library/app/../../vault/app/manifests/1.0',
        '/v2/library/%2e%2e/vault/app/manifests/1.0',
        '/v2/library/%2E%2E/vault/app/manifests/1.0',
        '/v2/library/.%2e/vault/app/manifests/1.0',
        '/v2/library//vault/app/manifests/1.0',
        '/v2//vault/app/manifests/1.0',
        '/v2/VAULT/app/manifests/1.0',
        '/v2/Vault/App/manifests/1.0',
        '/v2/library%2F..%2Fvault%2Fapp/manifests/1.0',
        '/v2/library%2fvault/app/manifests/1.0',
        '/v2/vault%2Fapp/manifests/1.0',
        '/v2/library/app/manifests/..%2F..%2Fvault%2Fapp%2Fmanifests%2F1.0',
        '/v2/library/app/manifests/%2e%2e%2f%2e%2e%2fvault%2fapp%2fmanifests%2f1.0',
        `/v2/library/app/manifests/${vaultImage.digest}`,
        `/v2/library/app/blobs/${vaultImage.configDigest}`,
        `/v2/library/app/blobs/${vaultImage.layerDigest}`,
        `/v2/library/app/blobs/sha256:..%2F..%2F..%2Fetc%2Fpasswd`,
        '/v2/library/app/blobs/..%2F..%2Fvault',
        `/v2/library/../vault/app/blobs/${vaultImage.configDigest}`,
        '/v2/library/../vault/app/tags/list',
        '/v2/library/%2e%2e/vault/app/tags/list',
        '/v2/library\\..\\vault/app/manifests/1.0',
        '/v2/library/app/../../../../etc/passwd',
      ];
      for (const path of paths) {
        for (const method of ['GET', 'HEAD']) {
          const response = await request({ method, path, headers: { authorization: outsider(), accept: 'application/vnd.oci.image.manifest.v1+json' } });
          assert.ok(response.status >= 400, `${method} ${path} returned ${response.status}`);
          assert.ok(response.status < 500, `${method} ${path} returned ${response.status}`);
          // Error bodies may echo the requested digest, but never a manifest or an image config.
          assert.equal(response.body.includes('schemaVersion'), false, `${method} ${path} sent a manifest`);
          assert.equal(response.body.includes('rootfs'), false, `${method} ${path} sent an image config`);
          assert.equal(response.headers['docker-content-digest'], undefined, `${method} ${path} sent a digest`);
        }
      }
    });

    test('writes never reach another project', async () => {
      const manifest = libraryImage.manifest;
      const writes: RawRequest[] = [
        { method: 'PUT', path: '/v2/library/../vault/app/manifests/evil', body: manifest },
        { method: 'PUT', path: '/v2/library/%2e%2e/vault/app/manifests/evil', body: manifest },
        { method: 'PUT', path: '/v2/library%2F..%2Fvault%2Fapp/manifests/evil', body: manifest },
        { method: 'DELETE', path: `/v2/library/../vault/app/manifests/${vaultImage.digest}` },
        { method: 'DELETE', path: `/v2/library/%2e%2e/vault/app/manifests/1.0` },
        { method: 'POST', path: '/v2/library/../vault/app/blobs/uploads/' },
        { method: 'POST', path: '/v2/library/%2e%2e/vault/app/blobs/uploads/' },
      ];
      for (const write of writes) {
        const response = await request({
          ...write,
          headers: { authorization: outsider(), 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        });
        assert.ok(response.status >= 400, `${write.method} ${write.path} returned ${response.status}`);
        assert.ok(response.status < 500, `${write.method} ${write.path} returned ${response.status}`);
      }

      const tags = await request({ path: '/v2/vault/app/tags/list', headers: { authorization: wharf.adminAuth } });
      assert.deepEqual(JSON.parse(tags.body).tags, ['1.0']);
      const still = await request({ path: manifestPath('vault/app', '1.0'), headers: { authorization: wharf.adminAuth, accept: 'application/vnd.oci.image.manifest.v1+json' } });
      assert.equal(still.status, 200);
    });

    test('mount from unreadable source uploads instead', async () => {
      for (const query of [`mount=${vaultImage.layerDigest}&from=vault/app`, `mount=${vaultImage.layerDigest}`, `mount=${vaultImage.layerDigest}&from=library/../vault/app`]) {
        const response = await request({
          method: 'POST',
          path: `/v2/library/stolen/blobs/uploads/?${query}`,
          headers: { authorization: outsider(), 'content-length': '0' },
        });
        assert.equal(response.status, 202, `mount with ${query} returned ${response.status}`);
      }
      const blob = await request({ path: `/v2/library/stolen/blobs/${vaultImage.layerDigest}`, headers: { authorization: outsider() } });
      assert.equal(blob.status, 404);
    });

    test('mount from readable source links', async () => {
      const response = await request({
        method: 'POST',
        path: `/v2/vault/copy/blobs/uploads/?mount=${libraryImage.layerDigest}&from=library/app`,
        headers: { authorization: basicAuth('developer', PASSWORD), 'content-length': '0' },
      });
      assert.equal(response.status, 201);
    });

    test('token scope tricks grant nothing', async () => {
      const token = await fetchToken(outsider(), [
        'repository:library/../vault/app:pull',
        'repository:library/%2e%2e/vault/app:pull',
        'repository:library%2F..%2Fvault/app:pull',
        'repository:vault/app:pull',
      ]);
      for (const access of accessOf(token)) {
        assert.deepEqual(access.actions, [], `granted ${access.actions.join(',')} on ${access.name}`);
      }
      const response = await request({ path: manifestPath('vault/app', '1.0'), headers: bearer(token) });
      assert.equal(response.status, 403);
    });
  });

  describe('login throttling', () => {
    const signIn = (username: string, password: string, localAddress: string) =>
      request({ path: tokenPath([]), headers: { authorization: basicAuth(username, password) }, localAddress });

    test('locks a user after repeated failures', async () => {
      await wharf.services.users.create({ username: 'target', password: PASSWORD });
      for (let attempt = 1; attempt <= USER_FAILURE_LIMIT; attempt++) {
        // Spread over addresses so only the per-user count can reach its limit.
        const response = await signIn('target', `wrong-${attempt}`, `127.0.1.${attempt}`);
        assert.equal(response.status, 401, `attempt ${attempt}`);
      }

      const locked = await signIn('target', PASSWORD, '127.0.1.200');
      assert.equal(locked.status, 429, 'the right password must not open a locked account');
      const retryAfter = Number(locked.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter), `Retry-After ${locked.headers['retry-after']} is not an integer`);
      assert.ok(retryAfter > 0, `Retry-After ${locked.headers['retry-after']} is not positive`);

      const registry = await request({ path: '/v2/', headers: { authorization: basicAuth('target', PASSWORD) }, localAddress: '127.0.1.201' });
      assert.equal(registry.status, 429);
      assert.ok(Number(registry.headers['retry-after']) > 0);

      const post = await request({
        method: 'POST',
        path: '/service/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: 'target', password: PASSWORD, service: 'wharf' }).toString(),
        localAddress: '127.0.1.202',
      });
      assert.equal(post.status, 429);

      const other = await signIn('developer', PASSWORD, '127.0.1.203');
      assert.equal(other.status, 200, 'a locked user must not lock others');
    });

    test('access tokens are throttled too', async () => {
      const user = await wharf.services.users.create({ username: 'token-target', password: PASSWORD });
      const { secret } = await wharf.services.accessTokens.create(user.id, 'ci', null);
      for (let attempt = 1; attempt <= USER_FAILURE_LIMIT; attempt++) {
        await signIn('token-target', `wharf_pat_guess${attempt}`, `127.0.2.${attempt}`);
      }
      const locked = await signIn('token-target', secret, '127.0.2.200');
      assert.equal(locked.status, 429);
    });

    test('locks an address after repeated failures', async () => {
      const address = '127.0.3.1';
      for (let attempt = 1; attempt <= ADDRESS_FAILURE_LIMIT; attempt++) {
        const response = await signIn(`sprayed-${attempt}`, 'wrong-password', address);
        assert.equal(response.status, 401, `attempt ${attempt}`);
      }

      const locked = await signIn('developer', PASSWORD, address);
      assert.equal(locked.status, 429, 'a locked address must not sign in, even with a right password');
      assert.ok(Number(locked.headers['retry-after']) > 0);

      const elsewhere = await signIn('developer', PASSWORD, '127.0.3.2');
      assert.equal(elsewhere.status, 200, 'another address is not locked');
    });

    test('success after an expired lock resets', async () => {
      await wharf.services.users.create({ username: 'unlocked', password: PASSWORD });
      // The state a lock leaves once its time has run out, inside the same counting window.
      await wharf.services.db.prisma.loginThrottle.create({
        data: { key: 'user:unlocked', failures: USER_FAILURE_LIMIT, windowStart: new Date(), lockedUntil: new Date(Date.now() - 1000) },
      });
      assert.equal((await signIn('unlocked', PASSWORD, '127.0.4.150')).status, 200);
      assert.equal((await signIn('unlocked', 'wrong-password', '127.0.4.151')).status, 401);
      assert.equal((await signIn('unlocked', PASSWORD, '127.0.4.152')).status, 200, 'one failure after the lock ended locked the user again');
    });

    test('robot failures lock the address only', async () => {
      const { robot, secret } = await wharf.services.robots.create({
        name: 'throttled',
        project: 'vault',
        grants: [{ project: 'vault', actions: ['repository:pull'] }],
      });
      const address = '127.0.7.1';
      for (let attempt = 1; attempt <= ADDRESS_FAILURE_LIMIT; attempt++) {
        const response = await signIn(robot.name, `wrong-secret-${attempt}`, address);
        assert.equal(response.status, 401, `attempt ${attempt}`);
      }

      assert.equal((await signIn(robot.name, secret, address)).status, 429, 'a locked address must not sign in a robot');
      assert.equal((await signIn('developer', PASSWORD, address)).status, 429, 'a locked address must not sign in a user');
      assert.equal((await signIn(robot.name, secret, '127.0.7.2')).status, 200, 'failures in a robot name must not lock the robot');
      const nameKeys = await wharf.services.db.prisma.loginThrottle.count({ where: { key: `user:${robot.name}` } });
      assert.equal(nameKeys, 0);
    });

    test('prune keeps only live counts', async () => {
      const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
      const rows = {
        'prune:stale': { windowStart: minutesAgo(30), lockedUntil: null },
        'prune:lock-ended': { windowStart: minutesAgo(30), lockedUntil: minutesAgo(20) },
        'prune:locked': { windowStart: minutesAgo(30), lockedUntil: new Date(Date.now() + 60_000) },
        'prune:counting': { windowStart: minutesAgo(1), lockedUntil: null },
      };
      const prisma = wharf.services.db.prisma;
      for (const [key, row] of Object.entries(rows)) await prisma.loginThrottle.create({ data: { key, failures: 3, ...row } });

      assert.ok((await wharf.services.loginThrottle.prune()) >= 2);
      const remaining = await prisma.loginThrottle.findMany({ where: { key: { startsWith: 'prune:' } }, orderBy: { key: 'asc' } });
      assert.deepEqual(remaining.map((row) => row.key), ['prune:counting', 'prune:locked']);
    });

    test('success resets the user count', async () => {
      await wharf.services.users.create({ username: 'forgetful', password: PASSWORD });
      for (let round = 0; round < 3; round++) {
        for (let attempt = 1; attempt < USER_FAILURE_LIMIT - 1; attempt++) {
          assert.equal((await signIn('forgetful', 'wrong-password', `127.0.4.${attempt}`)).status, 401);
        }
        assert.equal((await signIn('forgetful', PASSWORD, '127.0.4.100')).status, 200, `round ${round}`);
      }
    });
  });

  describe('audit', () => {
    test('login failure records the address', async () => {
      const response = await request({ path: tokenPath([]), headers: { authorization: basicAuth('developer', 'not-the-password') }, localAddress: '127.0.5.7' });
      assert.equal(response.status, 401);

      let events: { actor: string; clientIp: string | null; action: string; outcome: string; detail: unknown }[] = [];
      for (let wait = 0; wait < 50; wait++) {
        events = (await wharf.services.audit.list({ limit: 100 })).filter((event) => event.clientIp === '127.0.5.7');
        if (events.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor, 'developer');
      assert.equal(events[0]!.action, 'login');
      assert.equal(events[0]!.outcome, 'failure');
      assert.equal(JSON.stringify(events[0]!.detail ?? {}).includes('not-the-password'), false, 'the audit event holds the password');
    });

    test('locked attempts are aggregated', async () => {
      await wharf.services.users.create({ username: 'locked-out', password: PASSWORD });
      for (let attempt = 1; attempt <= USER_FAILURE_LIMIT; attempt++) {
        const failed = await request({ path: tokenPath([]), headers: { authorization: basicAuth('locked-out', `wrong-${attempt}`) }, localAddress: `127.0.9.${attempt}` });
        assert.equal(failed.status, 401, `attempt ${attempt}`);
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const rejected = await request({ path: tokenPath([]), headers: { authorization: basicAuth('locked-out', PASSWORD) }, localAddress: '127.0.9.100' });
        assert.equal(rejected.status, 429);
      }

      await wharf.services.audit.flush();
      const events = (await wharf.services.audit.list({ limit: 100 })).filter((event) => event.clientIp === '127.0.9.100');
      assert.equal(events.length, 1, 'one aggregated row for the rejected attempts');
      assert.equal(events[0]!.count, 3);
      assert.equal(events[0]!.actor, 'locked-out');
      assert.equal(events[0]!.action, 'login');
      assert.equal(events[0]!.outcome, 'failure');
      assert.deepEqual(events[0]!.detail, { reason: 'locked after repeated failures' });
    });

    test('robot login failure is a robot event', async () => {
      const { robot } = await wharf.services.robots.create({
        name: 'audited',
        project: 'vault',
        grants: [{ project: 'vault', actions: ['repository:pull'] }],
      });
      const response = await request({ path: tokenPath([]), headers: { authorization: basicAuth(robot.name, 'not-the-secret') }, localAddress: '127.0.5.8' });
      assert.equal(response.status, 401);

      let events: { actor: string; actorKind: string; resource: string; action: string; outcome: string }[] = [];
      for (let wait = 0; wait < 50 && events.length === 0; wait++) {
        events = (await wharf.services.audit.list({ limit: 100 })).filter((event) => event.clientIp === '127.0.5.8');
        if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(events.length, 1);
      assert.deepEqual(
        { actor: events[0]!.actor, actorKind: events[0]!.actorKind, resource: events[0]!.resource, action: events[0]!.action, outcome: events[0]!.outcome },
        { actor: robot.name, actorKind: 'robot', resource: `robot:${robot.name}`, action: 'login', outcome: 'failure' },
      );
    });
  });

  describe('second instance', () => {
    test('accepts tokens the first issued', async (t) => {
      if (!wharf.databaseUrl) {
        t.skip('PGlite cannot be shared by two instances; run with PostgreSQL');
        return;
      }
      const second = await startTestWharf({}, { shareWith: wharf });
      try {
        const token = await fetchToken(basicAuth('developer', PASSWORD), ['repository:vault/app:pull']);
        const response = await send(second.url, { path: manifestPath('vault/app', '1.0'), headers: bearer(token) });
        assert.equal(response.status, 200, response.body);
        assert.equal(response.body, vaultImage.manifest.toString());

        const issuedBySecond = await send(second.url, { path: tokenPath(['repository:vault/app:pull']), headers: { authorization: basicAuth('developer', PASSWORD) } });
        const secondToken = (JSON.parse(issuedBySecond.body) as TokenBody).token!;
        assert.equal(decodeProtectedHeader(secondToken).kid, decodeProtectedHeader(token).kid, 'both instances sign with one key');
        assert.equal((await request({ path: manifestPath('vault/app', '1.0'), headers: bearer(secondToken) })).status, 200);
      } finally {
        await second.close();
      }
    });
  });
});
