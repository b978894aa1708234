import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

describe('registry base endpoint', () => {
  let wharf: TestWharf;
  before(async () => {
    wharf = await startTestWharf();
  });
  after(async () => {
    await wharf.close();
  });

  test('anonymous ping gets a challenge', async () => {
    const response = await fetch(`${wharf.url}/v2/`);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="http:\/\/localhost:\d+\/service\/token",service="wharf"$/);
    assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
    const body = (await response.json()) as { errors: { code: string }[] };
    assert.equal(body.errors[0]?.code, 'UNAUTHORIZED');
  });

  test('admin ping succeeds', async () => {
    const response = await fetch(`${wharf.url}/v2/`, { headers: { authorization: wharf.adminAuth } });
    assert.equal(response.status, 200);
  });

  test('wrong password is rejected', async () => {
    const auth = `Basic ${Buffer.from('admin:wrong').toString('base64')}`;
    const response = await fetch(`${wharf.url}/v2/`, { headers: { authorization: auth } });
    assert.equal(response.status, 401);
  });
});
