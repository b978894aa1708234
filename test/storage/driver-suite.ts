import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, afterEach, describe, test } from 'node:test';
import { type StorageDriver, StorageNotFoundError } from '../../api/storage/driver.ts';

/** A driver under test and how to dispose of whatever backs it. */
export interface DriverFixture {
  driver: StorageDriver;
  /** Files or objects left in the backing store outside the driver's view, for the leak check. Omitted when the store cannot list them. */
  leftovers?: () => Promise<string[]>;
  close(): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function listAll(driver: StorageDriver, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of driver.list(prefix)) keys.push(key);
  return keys.sort();
}

/** A source stream that yields `bytes` in several pieces, like a request body. */
function sourceOf(bytes: Buffer): Readable {
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += 1000) pieces.push(bytes.subarray(start, start + 1000));
  return Readable.from(pieces);
}

/**
 * Runs the storage driver contract against one driver. Every test writes under
 * its own prefix and deletes what it wrote. The store must be empty after each
 * test and at the end, so a driver that leaks objects fails.
 */
export function runDriverSuite(name: string, open: () => Promise<DriverFixture>): void {
  describe(`storage driver ${name}`, () => {
    let fixture: DriverFixture | undefined;
    const driver = async (): Promise<StorageDriver> => {
      fixture ??= await open();
      return fixture.driver;
    };

    afterEach(async () => {
      const store = await driver();
      assert.deepEqual(await listAll(store, ''), [], 'a test left objects behind');
    });
    after(async () => {
      if (!fixture) return;
      if (fixture.leftovers) assert.deepEqual(await fixture.leftovers(), [], 'the backing store holds leftovers');
      await fixture.close();
    });

    test('stat of missing key', async () => {
      const store = await driver();
      assert.equal(await store.stat('missing/key'), undefined);
    });

    test('read of missing key', async () => {
      const store = await driver();
      await assert.rejects(store.read('missing/key'), StorageNotFoundError);
      await assert.rejects(store.read('missing/key', { start: 0, end: 1 }), StorageNotFoundError);
    });

    test('delete of missing key', async () => {
      const store = await driver();
      assert.equal(await store.delete('missing/key'), false);
    });

    test('list of missing prefix', async () => {
      const store = await driver();
      assert.deepEqual(await listAll(store, 'missing'), []);
    });

    test('writeAt creates and reads back', async () => {
      const store = await driver();
      const bytes = randomBytes(5000);
      assert.equal(await store.writeAt('write/a', 0, sourceOf(bytes)), 5000);
      assert.deepEqual(await store.stat('write/a'), { size: 5000 });
      assert.deepEqual(await readAll(await store.read('write/a')), bytes);
      assert.equal(await store.delete('write/a'), true);
      assert.equal(await store.stat('write/a'), undefined);
    });

    test('writeAt of empty source', async () => {
      const store = await driver();
      assert.equal(await store.writeAt('empty/a', 0, Readable.from([])), 0);
      assert.deepEqual(await store.stat('empty/a'), { size: 0 });
      assert.deepEqual(await readAll(await store.read('empty/a')), Buffer.alloc(0));
      assert.equal(await store.delete('empty/a'), true);
    });

    test('writeAt appends at the end', async () => {
      const store = await driver();
      const first = randomBytes(3000);
      const second = randomBytes(2500);
      await store.writeAt('append/a', 0, sourceOf(first));
      assert.equal(await store.writeAt('append/a', 3000, sourceOf(second)), 5500);
      assert.deepEqual(await readAll(await store.read('append/a')), Buffer.concat([first, second]));
      await store.delete('append/a');
    });

    test('writeAt earlier offset truncates', async () => {
      const store = await driver();
      const first = randomBytes(3000);
      const rewrite = randomBytes(500);
      await store.writeAt('rewrite/a', 0, sourceOf(first));
      assert.equal(await store.writeAt('rewrite/a', 1000, sourceOf(rewrite)), 1500);
      assert.deepEqual(await readAll(await store.read('rewrite/a')), Buffer.concat([first.subarray(0, 1000), rewrite]));
      assert.equal(await store.writeAt('rewrite/a', 0, sourceOf(rewrite)), 500);
      assert.deepEqual(await readAll(await store.read('rewrite/a')), rewrite);
      await store.delete('rewrite/a');
    });

    test('writeAt failed source rejects', async () => {
      const store = await driver();
      const failing = new Readable({
        read() {
          this.destroy(new Error('client went away'));
        },
      });
      await assert.rejects(store.writeAt('failing/a', 0, failing), /client went away/);
      await store.delete('failing/a');
    });

    test('read with range', async () => {
      const store = await driver();
      const bytes = randomBytes(4096);
      await store.writeAt('range/a', 0, sourceOf(bytes));
      const ranges: [number, number][] = [
        [0, 0],
        [0, 4095],
        [100, 199],
        [4095, 4095],
        [1000, 3999],
      ];
      for (const [start, end] of ranges) {
        assert.deepEqual(await readAll(await store.read('range/a', { start, end })), bytes.subarray(start, end + 1), `${start}-${end}`);
      }
      await store.delete('range/a');
    });

    test('move to new key', async () => {
      const store = await driver();
      const bytes = randomBytes(2000);
      await store.writeAt('move/from', 0, sourceOf(bytes));
      await store.move('move/from', 'move/deep/to/key');
      assert.equal(await store.stat('move/from'), undefined);
      assert.deepEqual(await readAll(await store.read('move/deep/to/key')), bytes);
      await store.delete('move/deep/to/key');
    });

    test('move replaces destination', async () => {
      const store = await driver();
      const old = randomBytes(3000);
      const replacement = randomBytes(1000);
      await store.writeAt('replace/to', 0, sourceOf(old));
      await store.writeAt('replace/from', 0, sourceOf(replacement));
      await store.move('replace/from', 'replace/to');
      assert.deepEqual(await store.stat('replace/to'), { size: 1000 });
      assert.deepEqual(await readAll(await store.read('replace/to')), replacement);
      assert.deepEqual(await listAll(store, 'replace'), ['replace/to']);
      await store.delete('replace/to');
    });

    test('move keeps an open reader whole', async () => {
      const store = await driver();
      const old = randomBytes(100_000);
      const replacement = randomBytes(100_000);
      await store.writeAt('atomic/to', 0, sourceOf(old));
      await store.writeAt('atomic/from', 0, sourceOf(replacement));
      const reader = await store.read('atomic/to');
      await store.move('atomic/from', 'atomic/to');
      const seen = await readAll(reader);
      assert.ok(seen.equals(old) || seen.equals(replacement), 'a reader saw a mix of two objects');
      await store.delete('atomic/to');
    });

    test('move of missing key', async () => {
      const store = await driver();
      await assert.rejects(store.move('missing/from', 'missing/to'), StorageNotFoundError);
      assert.equal(await store.stat('missing/to'), undefined);
    });

    test('list under prefix', async () => {
      const store = await driver();
      const keys = ['list/a', 'list/b/c', 'list/b/d/e', 'listing/x'];
      for (const key of keys) await store.writeAt(key, 0, Readable.from([Buffer.from(key)]));
      assert.deepEqual(await listAll(store, 'list'), ['list/a', 'list/b/c', 'list/b/d/e']);
      assert.deepEqual(await listAll(store, 'list/b'), ['list/b/c', 'list/b/d/e']);
      assert.deepEqual(await listAll(store, ''), [...keys].sort());
      for (const key of keys) assert.equal(await store.delete(key), true);
    });

    test('delete removes only its key', async () => {
      const store = await driver();
      await store.writeAt('delete/a', 0, Readable.from([Buffer.from('a')]));
      await store.writeAt('delete/ab', 0, Readable.from([Buffer.from('ab')]));
      assert.equal(await store.delete('delete/a'), true);
      assert.equal(await store.delete('delete/a'), false);
      assert.deepEqual(await store.stat('delete/ab'), { size: 2 });
      await store.delete('delete/ab');
    });
  });
}
