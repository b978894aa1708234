import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BufferPool } from '../../api/storage/buffer-pool.ts';

const KIB = 1024;

describe('buffer pool', () => {
  test('take reuses a given buffer', () => {
    const pool = new BufferPool(256 * KIB);
    const buffer = pool.take(64 * KIB);
    assert.equal(buffer.length, 64 * KIB);
    pool.give(buffer);
    assert.equal(pool.bytes, 64 * KIB);
    assert.equal(pool.take(64 * KIB), buffer);
    assert.equal(pool.bytes, 0);
  });

  test('take of another size allocates', () => {
    const pool = new BufferPool(256 * KIB);
    const small = pool.take(64 * KIB);
    pool.give(small);
    const large = pool.take(128 * KIB);
    assert.equal(large.length, 128 * KIB);
    assert.notEqual(large, small);
    assert.equal(pool.bytes, 64 * KIB);
  });

  test('full pool rejects same-size buffer', () => {
    const pool = new BufferPool(128 * KIB);
    for (let index = 0; index < 3; index++) pool.give(Buffer.alloc(64 * KIB));
    assert.equal(pool.bytes, 128 * KIB);
  });

  test('full pool makes room, smallest first', () => {
    const pool = new BufferPool(256 * KIB);
    const pooledFirst = Buffer.alloc(128 * KIB);
    pool.give(pooledFirst);
    pool.give(Buffer.alloc(64 * KIB));
    pool.give(Buffer.alloc(64 * KIB));

    const large = Buffer.alloc(128 * KIB);
    pool.give(large);
    assert.equal(pool.bytes, 256 * KIB);
    assert.equal(pool.take(128 * KIB), large);
    assert.equal(pool.take(128 * KIB), pooledFirst);
    assert.equal(pool.bytes, 0, 'both 64 KiB buffers made room');
  });

  test('buffer over the limit is not kept', () => {
    const pool = new BufferPool(64 * KIB);
    pool.give(Buffer.alloc(128 * KIB));
    assert.equal(pool.bytes, 0);
  });
});
