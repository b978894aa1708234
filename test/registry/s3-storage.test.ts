import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { expectStatus, readBytes, RegistryClient, sha256 } from '../support/registry-client.ts';
import { S3RVER_CREDENTIALS, startTestS3Server, type TestS3Server } from '../support/s3rver.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const MiB = 1024 * 1024;

async function bucketKeys(server: TestS3Server, prefix: string): Promise<string[]> {
  const s3 = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }));
  s3.destroy();
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

describe('registry on S3 storage', () => {
  const repository = 'library/s3-blobs';
  let s3: TestS3Server;
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    // The SDK's default credential chain reads these before it would ever try
    // an instance metadata endpoint, which is also switched off.
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';

    s3 = await startTestS3Server();
    wharf = await startTestWharf({ WHARF_STORAGE: s3.storageUrl('registry') });
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf?.close();
    await s3?.close();
  });

  test('chunked push then pull', async () => {
    const chunks = [randomBytes(6 * MiB), randomBytes(3 * MiB), randomBytes(777)];
    const bytes = Buffer.concat(chunks);
    const digest = sha256(bytes);
    const location = await client.startUpload(repository);

    let offset = 0;
    let next: URL = location;
    for (const chunk of chunks) {
      const range = `${offset}-${offset + chunk.length - 1}`;
      const response = await client.request('PATCH', next, {
        headers: { 'content-type': 'application/octet-stream', 'content-range': range },
        body: chunk,
      });
      await expectStatus(response, 202, `PATCH ${range}`);
      offset += chunk.length;
      assert.equal(response.headers.get('range'), `0-${offset - 1}`);
      next = client.url(response.headers.get('location') ?? '');
    }

    next.searchParams.set('digest', digest);
    const put = await client.request('PUT', next);
    await expectStatus(put, 201, 'PUT to finish the upload');

    const pulled = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
    await expectStatus(pulled, 200, 'GET blob');
    assert.ok((await readBytes(pulled)).equals(bytes), 'pulled bytes differ from pushed bytes');

    // The blob is in the bucket, and the upload left no part objects.
    const hex = digest.slice('sha256:'.length);
    assert.deepEqual(await bucketKeys(s3, 'registry/'), [`registry/blobs/sha256/${hex.slice(0, 2)}/${hex}`]);

    const ranged = await client.request('GET', `/v2/${repository}/blobs/${digest}`, { headers: { range: 'bytes=6291000-6292000' } });
    await expectStatus(ranged, 206, 'ranged GET blob');
    assert.ok((await readBytes(ranged)).equals(bytes.subarray(6291000, 6292001)), 'ranged bytes differ');
  });

  test('monolithic push then pull', async () => {
    const bytes = randomBytes(1000);
    const digest = await client.pushBlob(repository, bytes);
    const pulled = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
    await expectStatus(pulled, 200, 'GET blob');
    assert.ok((await readBytes(pulled)).equals(bytes), 'pulled bytes differ from pushed bytes');
  });
});
