import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectError, readBytes, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

describe('registry errors', () => {
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  test('unknown path is NOT_FOUND', async () => {
    const response = await client.request('GET', '/v2/library/app/unknown/endpoint');
    await expectError(response, 404, 'NOT_FOUND');
    assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
  });

  const unsupported: [string, string][] = [
    ['POST', '/v2/library/app/manifests/latest'],
    ['PATCH', `/v2/library/app/blobs/${sha256('x')}`],
    ['PUT', '/v2/library/app/tags/list'],
    ['DELETE', `/v2/library/app/referrers/${sha256('x')}`],
    ['GET', '/v2/library/app/blobs/uploads/'],
    ['DELETE', '/v2/_catalog'],
  ];
  for (const [method, path] of unsupported) {
    test(`${method} ${path.split('/').slice(3, 5).join('/')} is UNSUPPORTED`, async () => {
      await expectError(await client.request(method, path), 405, 'UNSUPPORTED');
    });
  }

  test('HEAD error has no body', async () => {
    const response = await client.request('HEAD', `/v2/library/app/blobs/${sha256('absent')}`);
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.equal((await readBytes(response)).length, 0);
  });

  test('bad credentials get a challenge', async () => {
    const wrong = new RegistryClient(wharf.url, `Basic ${Buffer.from('admin:wrong-password').toString('base64')}`);
    const response = await wrong.request('GET', '/v2/library/app/tags/list');
    await expectError(response, 401, 'UNAUTHORIZED');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+",service="wharf"/);
  });

  test('invalid bearer token is invalid_token', async () => {
    const bearer = new RegistryClient(wharf.url, 'Bearer not-a-token');
    const response = await bearer.request('GET', '/v2/library/app/tags/list');
    await expectError(response, 401, 'UNAUTHORIZED');
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('empty Basic credentials are anonymous', async () => {
    const empty = new RegistryClient(wharf.url, 'Basic Og==');
    const response = await empty.request('GET', '/v2/library/app/tags/list');
    await expectError(response, 404, 'NAME_UNKNOWN');
  });
});
