import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { errorCode, graphql } from './graphql-client.ts';

const CLIENT_ID = 'wharf-portal';
const OPEN_SESSION = `mutation($idToken: String!) {
  openOidcSession(idToken: $idToken) { secret user { id username isAdmin } token { id expiresAt } }
}`;

/** A minimal OpenID Connect provider on loopback: a discovery document and a key set. */
interface MockProvider {
  issuer: string;
  privateKey: CryptoKey;
  close(): Promise<void>;
}

async function startMockProvider(): Promise<MockProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const send = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') return send({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
    if (request.url === '/jwks') return send({ keys: [jwk] });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, privateKey, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface TokenOptions {
  issuer?: string;
  audience?: string;
  key?: CryptoKey;
  issuedAt?: number;
  expiresAt?: number;
}

describe('GraphQL openOidcSession', () => {
  let provider: MockProvider;
  let wharf: TestWharf;

  async function idToken(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: `subject-${String(claims.preferred_username)}`, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.issuer ?? provider.issuer)
      .setAudience(options.audience ?? CLIENT_ID)
      .setIssuedAt(options.issuedAt ?? now)
      .setExpirationTime(options.expiresAt ?? now + 300)
      .sign(options.key ?? provider.privateKey);
  }

  before(async () => {
    provider = await startMockProvider();
    wharf = await startTestWharf({
      WHARF_OIDC_ISSUER: provider.issuer,
      WHARF_OIDC_CLIENT_ID: CLIENT_ID,
      WHARF_OIDC_CLIENT_SECRET: 'unused-by-the-api',
    });
  });
  after(async () => {
    await wharf?.close();
    await provider?.close();
  });

  test('valid token creates user', async () => {
    const response = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ preferred_username: 'dana', email: 'dana@example.com' }) });
    assert.equal(response.errors, undefined);
    const session = response.data?.openOidcSession;
    assert.equal(session.user.username, 'dana');
    assert.equal(session.user.isAdmin, false);
    const lifetime = new Date(session.token.expiresAt).getTime() - Date.now();
    assert.ok(lifetime > 11 * 3600_000, `token lifetime ${lifetime} ms`);
    assert.ok(lifetime <= 12 * 3600_000, `token lifetime ${lifetime} ms`);

    const me = await graphql(wharf, '{ me { username email isAdmin } }', {}, `Bearer ${session.secret}`);
    assert.equal(me.errors, undefined);
    assert.deepEqual(me.data?.me, { username: 'dana', email: 'dana@example.com', isAdmin: false });

    // The created user gets a random password that is never shown, so no guess signs in.
    assert.equal(await wharf.services.users.authenticate('dana', 'dana'), undefined);
    const logins = await wharf.services.db.prisma.auditEvent.findMany({ where: { actor: 'dana', action: { in: ['login', 'user.create'] } } });
    assert.deepEqual(logins.map((event) => `${event.action}:${event.outcome}`).sort(), ['login:success', 'user.create:success']);
  });

  test('second sign-in reuses user', async () => {
    const first = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ preferred_username: 'erin' }) });
    const usersBefore = await wharf.services.users.count();
    const second = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ preferred_username: 'erin' }) });
    assert.equal(second.errors, undefined);
    assert.equal(second.data?.openOidcSession.user.id, first.data?.openOidcSession.user.id);
    assert.notEqual(second.data?.openOidcSession.secret, first.data?.openOidcSession.secret);
    assert.equal(await wharf.services.users.count(), usersBefore);
  });

  test('disabled user is rejected', async () => {
    const first = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ preferred_username: 'frank' }) });
    await wharf.services.users.update(first.data?.openOidcSession.user.id, { disabled: true });

    const response = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ preferred_username: 'frank' }) });
    assert.equal(errorCode(response), 'UNAUTHENTICATED');
    assert.equal(response.data?.openOidcSession ?? null, null);
  });

  test('local account names are not taken over', async () => {
    await wharf.services.users.create({ username: 'hana', password: 'hana-password-1' });

    for (const username of ['admin', 'hana']) {
      const response = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ preferred_username: username }) });
      assert.equal(errorCode(response), 'UNAUTHENTICATED', username);
      assert.match(response.errors?.[0]?.message ?? '', /belongs to another Wharf account/);
    }
  });

  test('renamed provider user keeps the account', async () => {
    const first = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ sub: 'subject-ivan', preferred_username: 'ivan' }) });
    const renamed = await graphql(wharf, OPEN_SESSION, { idToken: await idToken({ sub: 'subject-ivan', preferred_username: 'ivan-new' }) });

    assert.equal(renamed.errors, undefined);
    assert.equal(renamed.data?.openOidcSession.user.id, first.data?.openOidcSession.user.id);
    assert.equal(renamed.data?.openOidcSession.user.username, 'ivan');
  });

  test('forged or stale tokens rejected', async () => {
    const now = Math.floor(Date.now() / 1000);
    const otherKey = (await generateKeyPair('RS256')).privateKey;
    const unsigned = new UnsecuredJWT({ sub: 'subject-gina', preferred_username: 'gina' })
      .setIssuer(provider.issuer)
      .setAudience(CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .encode();
    const cases: [string, string][] = [
      ['wrong audience', await idToken({ preferred_username: 'gina' }, { audience: 'another-client' })],
      ['wrong issuer', await idToken({ preferred_username: 'gina' }, { issuer: 'http://127.0.0.1:1' })],
      ['expired', await idToken({ preferred_username: 'gina' }, { issuedAt: now - 7200, expiresAt: now - 3600 })],
      ['other signing key', await idToken({ preferred_username: 'gina' }, { key: otherKey })],
      ['alg none', unsigned],
      ['not a JWT', 'not-a-token'],
      ['no preferred_username', await idToken({ sub: 'subject-without-name' })],
      ['invalid user name', await idToken({ preferred_username: 'Gina Smith' })],
    ];

    for (const [name, token] of cases) {
      const response = await graphql(wharf, OPEN_SESSION, { idToken: token });
      assert.equal(errorCode(response), 'UNAUTHENTICATED', name);
    }
    assert.equal(await wharf.services.users.findByName('gina'), null);
  });
});
