import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Browser } from 'playwright-core';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { ensurePortalBuild, launchChromium, openWatchedContext, saveScreenshot, skipUnlessChromium } from './browser.ts';

const CLIENT_ID = 'wharf-portal';
const CLIENT_SECRET = 'portal-client-secret';

/** A pending authorization: what the provider checks when the portal redeems the code. */
interface Grant {
  username: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
}

/**
 * A small OpenID Connect provider on loopback for the authorization code flow with
 * PKCE. It signs in the user named by `nextUser`, without a login page of its own.
 */
class MockProvider {
  issuer = '';
  nextUser = '';
  readonly #grants = new Map<string, Grant>();
  #server: Server | undefined;
  #privateKey: CryptoKey | undefined;
  #jwk: Record<string, unknown> = {};

  async start(): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    this.#privateKey = privateKey;
    this.#jwk = { ...(await exportJWK(publicKey)), kid: 'browser-key', alg: 'RS256', use: 'sig' };
    this.#server = createServer((request, response) => void this.#handle(request, response));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.issuer);
    if (url.pathname === '/.well-known/openid-configuration') return json(response, 200, this.#discovery());
    if (url.pathname === '/jwks') return json(response, 200, { keys: [this.#jwk] });
    if (url.pathname === '/authorize') return this.#authorize(url, response);
    if (url.pathname === '/token' && request.method === 'POST') return this.#token(request, response);
    json(response, 404, { error: 'not_found' });
  }

  #discovery() {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      jwks_uri: `${this.issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    };
  }

  #authorize(url: URL, response: ServerResponse): void {
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const codeChallenge = url.searchParams.get('code_challenge') ?? '';
    if (url.searchParams.get('client_id') !== CLIENT_ID || !redirectUri || !codeChallenge) return json(response, 400, { error: 'invalid_request' });

    const code = randomBytes(16).toString('hex');
    this.#grants.set(code, { username: this.nextUser, redirectUri, codeChallenge, nonce: url.searchParams.get('nonce') ?? undefined });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', url.searchParams.get('state') ?? '');
    response.writeHead(302, { location: target.toString() }).end();
  }

  async #token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const grant = this.#grants.get(form.get('code') ?? '');
    this.#grants.delete(form.get('code') ?? '');

    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!grant || grant.redirectUri !== form.get('redirect_uri') || grant.codeChallenge !== challenge) return json(response, 400, { error: 'invalid_grant' });
    if (!clientAuthenticated(request, form)) return json(response, 401, { error: 'invalid_client' });

    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({ preferred_username: grant.username, ...(grant.nonce ? { nonce: grant.nonce } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'browser-key' })
      .setIssuer(this.issuer)
      .setAudience(CLIENT_ID)
      .setSubject(`subject-${grant.username}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(this.#privateKey!);
    json(response, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
  }
}

function clientAuthenticated(request: IncomingMessage, form: URLSearchParams): boolean {
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;
  if (request.headers.authorization === basic) return true;
  return form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

describe('portal OIDC sign-in in chromium', { skip: skipUnlessChromium() }, () => {
  const provider = new MockProvider();
  let wharf: TestWharf;
  let browser: Browser;

  before(async () => {
    ensurePortalBuild();
    await provider.start();
    // The portal, which runs in this process, reads its OIDC settings from process.env.
    const oidcEnv = { WHARF_OIDC_ISSUER: provider.issuer, WHARF_OIDC_CLIENT_ID: CLIENT_ID, WHARF_OIDC_CLIENT_SECRET: CLIENT_SECRET, WHARF_OIDC_NAME: 'Mock IdP' };
    Object.assign(process.env, oidcEnv);
    wharf = await startTestWharf(oidcEnv);
    browser = await launchChromium();

    // Users the provider signs in are bound to its issuer and subject, as a first sign-in would bind them.
    const nora = await wharf.services.users.createForOidcIdentity({ username: 'nora', email: null }, provider.issuer, 'subject-nora');
    const vault = await wharf.services.projects.create('vault', { public: false });
    await wharf.services.members.add(vault.id, nora.id, 'developer');
    const pat = await wharf.services.users.createForOidcIdentity({ username: 'pat', email: null }, provider.issuer, 'subject-pat');
    await wharf.services.users.update(pat.id, { disabled: true });
  });

  after(async () => {
    await browser?.close();
    await wharf?.close();
    await provider.close();
  });

  test('OIDC user sees private project', async () => {
    const { context, page, errors } = await openWatchedContext(browser, wharf.services.config.externalUrl);
    provider.nextUser = 'nora';
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in with Mock IdP' }).click();
    await page.waitForURL('**/projects');
    await page.getByRole('link', { name: 'vault', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await saveScreenshot(page, 'projects-oidc-user');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('OIDC disabled user rejected', async () => {
    const { context, page } = await openWatchedContext(browser, wharf.services.config.externalUrl);
    provider.nextUser = 'pat';
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in with Mock IdP' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wharf did not accept this sign-in' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    await context.close();
  });
});
