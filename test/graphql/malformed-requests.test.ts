import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

/** Request bodies that fail to parse before GraphQL or the token service reads them, and the error format of each. */
describe('malformed request bodies', () => {
  let wharf: TestWharf;

  before(async () => {
    wharf = await startTestWharf();
  });
  after(async () => {
    await wharf.close();
  });

  async function post(path: string, body: string | Buffer): Promise<{ status: number; body: any }> {
    const response = await fetch(`${wharf.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, body: await response.json() };
  }

  test('invalid JSON to GraphQL', async () => {
    const response = await post('/graphql', '{"query": ');

    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].extensions.code, 'BAD_REQUEST');
    assert.match(response.body.errors[0].message, /JSON/);
  });

  test('oversized body to GraphQL', async () => {
    const response = await post('/graphql', Buffer.alloc(2 * 1024 * 1024, 0x20));

    assert.equal(response.status, 413);
    assert.equal(response.body.errors[0].extensions.code, 'BAD_REQUEST');
  });

  test('invalid JSON to the token grant', async () => {
    const response = await post('/service/token', '{"grant_type": ');

    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_request');
    assert.match(response.body.error_description, /JSON/);
  });
});
