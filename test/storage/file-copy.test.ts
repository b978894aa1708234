import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { copyFileTo } from '../../api/storage/file-copy.ts';

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
      await assert.rejects(copyFileTo(handle, 0, content.length - 1, destination));
    } finally {
      await handle.close();
    }
  });
});
