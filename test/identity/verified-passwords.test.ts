import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VERIFIED_IDLE_MS, VERIFIED_MAX_AGE_MS, VerifiedPasswords } from '../../api/access/verified-passwords.ts';

describe('verified passwords', () => {
  test('unknown key is not trusted', () => {
    assert.equal(new VerifiedPasswords().use('key', 0), false);
  });

  test('idle entry lapses', () => {
    const verified = new VerifiedPasswords();
    verified.remember('key', 1_000);
    assert.equal(verified.use('key', 1_000 + VERIFIED_IDLE_MS - 1), true);
    assert.equal(verified.use('key', 1_000 + 2 * VERIFIED_IDLE_MS), false);
  });

  test('use renews idle time', () => {
    const verified = new VerifiedPasswords();
    verified.remember('key', 0);
    for (let now = VERIFIED_IDLE_MS / 2; now < 4 * VERIFIED_IDLE_MS; now += VERIFIED_IDLE_MS / 2) {
      assert.equal(verified.use('key', now), true, `at ${now} ms`);
    }
  });

  test('renewal stops at max age', () => {
    const verified = new VerifiedPasswords();
    verified.remember('key', 0);
    let now = 0;
    while (now + VERIFIED_IDLE_MS / 2 < VERIFIED_MAX_AGE_MS) {
      now += VERIFIED_IDLE_MS / 2;
      assert.equal(verified.use('key', now), true, `at ${now} ms`);
    }
    assert.equal(verified.use('key', VERIFIED_MAX_AGE_MS), false);
  });

  test('other key stays unknown', () => {
    const verified = new VerifiedPasswords();
    verified.remember('key', 0);
    assert.equal(verified.use('other', 1), false);
  });
});
