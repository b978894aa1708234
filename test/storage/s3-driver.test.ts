import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openStorage } from '../../api/storage/index.ts';
import { S3Driver } from '../../api/storage/s3-driver.ts';
import { parseS3Location } from '../../api/storage/s3-location.ts';
import { runDriverSuite } from './driver-suite.ts';
import { S3RVER_CREDENTIALS, startPartCopyProxy, startTestS3Server, type PartCopyProxy, type TestS3Server } from '../support/s3rver.ts';

const MiB = 1024 * 1024;

function streamOf(...chunks: Buffer[]): Readable {
  return Readable.from(chunks);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(driver: S3Driver, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of driver.list(prefix)) keys.push(key);
  return keys.sort();
}

runDriverSuite('s3', async () => {
  const server = await startTestS3Server();
  const client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  return {
    driver: S3Driver.fromUrl(server.storageUrl('suite'), { credentials: S3RVER_CREDENTIALS }),
    // Part objects stay out of list(), so look at the bucket itself.
    async leftovers() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: server.bucket }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '');
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
});

describe('S3 driver parts', () => {
  let server: TestS3Server;
  let driver: S3Driver;
  let prefixNumber = 0;

  before(async () => {
    server = await startTestS3Server();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    // A fresh key prefix per test keeps tests apart without restarting s3rver.
    prefixNumber += 1;
    driver = S3Driver.fromUrl(server.storageUrl(`parts-${prefixNumber}`), { credentials: S3RVER_CREDENTIALS });
  });

  test('ranged read across parts', async () => {
    const chunks = [randomBytes(10), randomBytes(10), randomBytes(10)];
    await driver.writeAt('across', 0, streamOf(chunks[0]!));
    await driver.writeAt('across', 10, streamOf(chunks[1]!));
    await driver.writeAt('across', 20, streamOf(chunks[2]!));
    const whole = Buffer.concat(chunks);
    assert.deepEqual(await readAll(await driver.read('across', { start: 5, end: 24 })), whole.subarray(5, 25));
    assert.deepEqual(await readAll(await driver.read('across', { start: 10, end: 10 })), whole.subarray(10, 11));
    assert.deepEqual(await readAll(await driver.read('across', { start: 29, end: 40 })), whole.subarray(29));
  });

  test('rewrite inside a part truncates', async () => {
    const chunks = [randomBytes(10), randomBytes(10), randomBytes(10)];
    for (const [index, chunk] of chunks.entries()) await driver.writeAt('cut', index * 10, streamOf(chunk));
    const replacement = randomBytes(4);

    assert.equal(await driver.writeAt('cut', 15, streamOf(replacement)), 19);
    assert.deepEqual(await driver.stat('cut'), { size: 19 });
    assert.deepEqual(await readAll(await driver.read('cut')), Buffer.concat([chunks[0]!, chunks[1]!.subarray(0, 5), replacement]));
  });

  test('rewrite inside the first chunk truncates', async () => {
    const first = randomBytes(10);
    await driver.writeAt('cut-base', 0, streamOf(first));
    await driver.writeAt('cut-base', 10, streamOf(randomBytes(10)));

    assert.equal(await driver.writeAt('cut-base', 4, streamOf()), 4);
    assert.deepEqual(await readAll(await driver.read('cut-base')), first.subarray(0, 4));
    const extra = randomBytes(3);
    assert.equal(await driver.writeAt('cut-base', 4, streamOf(extra)), 7);
    assert.deepEqual(await readAll(await driver.read('cut-base')), Buffer.concat([first.subarray(0, 4), extra]));
  });

  test('writeAt past the end is rejected', async () => {
    await driver.writeAt('short', 0, streamOf(randomBytes(10)));
    await assert.rejects(driver.writeAt('short', 11, streamOf(randomBytes(1))), RangeError);
    await assert.rejects(driver.writeAt('never-written', 5, streamOf(randomBytes(1))), RangeError);
  });

  test('move of several chunks', async () => {
    const chunks = [randomBytes(100), randomBytes(200), randomBytes(300)];
    for (let index = 0, offset = 0; index < chunks.length; offset += chunks[index]!.length, index += 1) {
      await driver.writeAt('uploads/many', offset, streamOf(chunks[index]!));
    }
    await driver.move('uploads/many', 'blobs/many');
    assert.equal(await driver.stat('uploads/many'), undefined);
    assert.deepEqual(await driver.stat('blobs/many'), { size: 600 });
    assert.deepEqual(await readAll(await driver.read('blobs/many')), Buffer.concat(chunks));
    assert.deepEqual(await listAll(driver, ''), ['blobs/many']);
  });

  test('move over appendable destination', async () => {
    await driver.writeAt('target', 0, streamOf(randomBytes(50)));
    await driver.writeAt('target', 50, streamOf(randomBytes(50)));
    const bytes = randomBytes(20);
    await driver.writeAt('source', 0, streamOf(bytes));

    await driver.move('source', 'target');
    assert.deepEqual(await driver.stat('target'), { size: 20 });
    assert.deepEqual(await readAll(await driver.read('target')), bytes);
    assert.deepEqual(await listAll(driver, ''), ['target']);
  });

  test('delete removes parts', async () => {
    await driver.writeAt('gone', 0, streamOf(randomBytes(10)));
    await driver.writeAt('gone', 10, streamOf(randomBytes(10)));
    assert.equal(await driver.delete('gone'), true);
    assert.equal(await driver.delete('gone'), false);
    assert.equal(await driver.stat('gone'), undefined);
    assert.deepEqual(await listAll(driver, ''), []);
  });

  test('list hides parts', async () => {
    await driver.writeAt('dir/a', 0, streamOf(randomBytes(5)));
    await driver.writeAt('dir/a', 5, streamOf(randomBytes(5)));
    await driver.writeAt('dir/sub/b', 0, streamOf(randomBytes(5)));
    await driver.writeAt('other/c', 0, streamOf(randomBytes(5)));
    assert.deepEqual(await listAll(driver, 'dir/'), ['dir/a', 'dir/sub/b']);
    assert.deepEqual(await listAll(driver, 'nothing/'), []);
  });

  test('keys with .parts/ are rejected', async () => {
    await assert.rejects(driver.stat('a.parts/0000000000000001'), /invalid storage key/);
  });
});

describe('S3 driver at scale', () => {
  let server: TestS3Server;
  let proxy: PartCopyProxy;

  before(async () => {
    server = await startTestS3Server();
    proxy = await startPartCopyProxy(server);
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  function openDriver(endpoint: string, prefix: string): S3Driver {
    const location = `s3://${server.bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true`;
    return S3Driver.fromUrl(location, { credentials: S3RVER_CREDENTIALS });
  }

  test('multipart writeAt above part size', async () => {
    const driver = openDriver(server.endpoint, 'big-write');
    const bytes = randomBytes(17 * MiB);
    const chunks = Array.from({ length: 17 }, (_, index) => bytes.subarray(index * MiB, (index + 1) * MiB));
    assert.equal(await driver.writeAt('big', 0, streamOf(...chunks)), bytes.length);
    assert.deepEqual(await readAll(await driver.read('big')), bytes);
  });

  test('move copies large parts inside S3', async () => {
    const driver = openDriver(proxy.endpoint, 'part-copy');
    const chunks = [randomBytes(6 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    await driver.writeAt('upload', 0, streamOf(chunks[0]!));
    await driver.writeAt('upload', 6 * MiB, streamOf(chunks[1]!));
    await driver.writeAt('upload', 11 * MiB, streamOf(chunks[2]!));
    const before = proxy.partCopies;

    await driver.move('upload', 'blob');
    assert.equal(proxy.partCopies - before, 3);
    assert.deepEqual(await readAll(await driver.read('blob')), Buffer.concat(chunks));
    assert.deepEqual(await listAll(driver, ''), ['blob']);
  });

  test('move without UploadPartCopy streams', async () => {
    // s3rver itself rejects UploadPartCopy with NotImplemented.
    const driver = openDriver(server.endpoint, 'no-part-copy');
    const chunks = [randomBytes(6 * MiB), randomBytes(1234)];
    await driver.writeAt('upload', 0, streamOf(chunks[0]!));
    await driver.writeAt('upload', 6 * MiB, streamOf(chunks[1]!));

    await driver.move('upload', 'blob');
    assert.deepEqual(await readAll(await driver.read('blob')), Buffer.concat(chunks));
  });

  test('move of small chunks streams', async () => {
    const driver = openDriver(proxy.endpoint, 'small-chunks');
    const chunks = Array.from({ length: 12 }, () => randomBytes(MiB));
    for (const [index, chunk] of chunks.entries()) await driver.writeAt('upload', index * MiB, streamOf(chunk));
    const before = proxy.partCopies;

    await driver.move('upload', 'blob');
    assert.equal(proxy.partCopies - before, 0);
    assert.deepEqual(await readAll(await driver.read('blob')), Buffer.concat(chunks));
  });

  test('parts stored as separate objects', async () => {
    const driver = openDriver(server.endpoint, 'layout');
    await driver.writeAt('upload', 0, streamOf(randomBytes(3)));
    await driver.writeAt('upload', 3, streamOf(randomBytes(4)));
    const client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'layout/' }));
    client.destroy();
    assert.deepEqual(
      (listed.Contents ?? []).map((object) => object.Key).sort(),
      ['layout/upload', 'layout/upload.parts/0000000000000003'],
    );
  });
});

describe('S3 storage URL', () => {
  test('full URL parses', () => {
    const location = parseS3Location('s3://bucket/some/prefix/?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true');
    assert.deepEqual(location, {
      bucket: 'bucket',
      prefix: 'some/prefix/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
  });

  test('bucket alone parses', () => {
    assert.deepEqual(parseS3Location('s3://bucket'), {
      bucket: 'bucket',
      prefix: '',
      endpoint: undefined,
      region: undefined,
      forcePathStyle: false,
    });
  });

  test('bad URLs are rejected', () => {
    assert.throws(() => parseS3Location('s3:///prefix'), /names no bucket/);
    assert.throws(() => parseS3Location('s3://bucket?colour=blue'), /unknown parameter "colour"/);
    assert.throws(() => parseS3Location('s3://bucket?forcePathStyle=yes'), /forcePathStyle must be true or false/);
    assert.throws(() => parseS3Location('s3://bucket?endpoint=ftp://host'), /must be an http/);
    assert.throws(() => parseS3Location('s3://key:secret@bucket'), /must not contain credentials/);
  });

  test('openStorage picks the S3 driver', async () => {
    assert.equal((await openStorage('s3://bucket/prefix?endpoint=http://127.0.0.1:1&region=us-east-1')).name, 's3');
  });
});
