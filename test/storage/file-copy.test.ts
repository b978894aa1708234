import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { copyFileTo, DestinationClosedError, pooledBufferBytes, runningCopyCount } from '../../api/storage/file-copy.ts';

/**
 * Collects what a copy writes. It copies each chunk before calling back, as a
 * socket does, since the copy reuses its buffers after the callback.
 */
function collector(): { stream: Writable; bytes: Promise<Buffer> } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  const bytes = new Promise<Buffer>((resolve) => stream.on('finish', () => resolve(Buffer.concat(chunks))));
  return { stream, bytes };
}

describe('file copy', () => {
  const content = randomBytes(3 * 1024 * 1024 + 5);
  let folder: string;
  let file: string;

  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'wharf-file-copy-'));
    file = path.join(folder, 'blob');
    await writeFile(file, content);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  const ranges: [string, number, number][] = [
    ['whole file', 0, content.length - 1],
    ['one byte', 7, 7],
    ['middle range', 1000, 2 * 1024 * 1024 + 3],
    ['empty range', 0, -1],
  ];
  for (const [name, start, end] of ranges) {
    test(`copy of ${name}`, async () => {
      const handle = await open(file, 'r');
      const { stream, bytes } = collector();
      try {
        await copyFileTo(handle, start, end, stream);
      } finally {
        await handle.close();
      }
      assert.deepEqual(await bytes, content.subarray(start, end + 1));
    });
  }

  test('copy past the end of file rejects', async () => {
    const handle = await open(file, 'r');
    const { stream } = collector();
    try {
      await assert.rejects(copyFileTo(handle, 0, content.length + 10, stream), /file ended at byte/);
    } finally {
      await handle.close();
    }
  });

  test('copy to a destroyed destination rejects', async () => {
    const handle = await open(file, 'r');
    let writes = 0;
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        if (writes === 2) destination.destroy();
        else callback();
      },
    });
    try {
      await assert.rejects(copyFileTo(handle, 0, content.length - 1, destination), DestinationClosedError);
    } finally {
      await handle.close();
    }
  });

  test('buffers return after success only', async () => {
    const copyWhole = async (destination: Writable) => {
      const handle = await open(file, 'r');
      try {
        await copyFileTo(handle, 0, content.length - 1, destination);
      } finally {
        await handle.close();
      }
    };
    // Earlier tests may have left buffers of other sizes in the pool.
    const before = pooledBufferBytes();
    await copyWhole(collector().stream);
    const pooled = pooledBufferBytes();
    assert.ok(pooled >= 2 * 1024 * 1024, 'the two 1 MiB buffers are in the pool');
    assert.ok(pooled <= before + 2 * 1024 * 1024, 'the copy added no more than its two buffers');
    await copyWhole(collector().stream);
    assert.equal(pooledBufferBytes(), pooled, 'the next copy takes them instead of allocating more');

    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('connection reset'));
      },
    });
    // The copy learns of the failure through the write callback; the stream's own 'error' event is not under test.
    failing.on('error', () => {});
    await assert.rejects(copyWhole(failing), /connection reset/);
    assert.equal(pooledBufferBytes(), pooled - 2 * 1024 * 1024, 'a write that failed may still hold its buffer, so neither goes back');
  });

  test('copy ends when the signal aborts', async () => {
    const handle = await open(file, 'r');
    // Like a queued HTTP response, it takes the write but neither calls back nor closes.
    const stalled = new Writable({ write: () => {} });
    const closed = new AbortController();
    try {
      const copy = copyFileTo(handle, 0, content.length - 1, stalled, closed.signal);
      setTimeout(() => closed.abort(), 20);
      await assert.rejects(copy, DestinationClosedError);
    } finally {
      await handle.close();
    }
    assert.equal(runningCopyCount(), 0);
  });

  test('waves of parallel copies keep their bytes', async () => {
    // Waves of 40, 3 and 40 copies start with 256 KiB to 1 MiB reads, and short
    // ranges take 64 KiB ones, so buffers of several sizes pass through the pool.
    const waves = [40, 3, 40];
    for (const [wave, count] of waves.entries()) {
      const slices: [number, number][] = Array.from({ length: count }, (_, index) =>
        index % 4 === 0 ? [index * 131, index * 131 + 40_000] : [index * 1000, content.length - 1 - index * 7919],
      );
      const results = await Promise.all(slices.map(([start, end]) => copyToSlowCollector(start, end)));
      for (const [index, [start, end]] of slices.entries()) {
        assert.ok(results[index]!.equals(content.subarray(start, end + 1)), `wave ${wave}, copy ${index}: bytes ${start} to ${end}`);
      }
    }
  });

  /** Copies a range to a collector that calls back on a later turn of the event loop, as a busy socket does. */
  async function copyToSlowCollector(start: number, end: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        setImmediate(callback);
      },
    });
    const handle = await open(file, 'r');
    try {
      await copyFileTo(handle, start, end, stream);
    } finally {
      await handle.close();
    }
    return Buffer.concat(chunks);
  }
});
