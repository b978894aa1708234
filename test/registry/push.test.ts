import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { uploadKey } from '../../api/storage/paths.ts';
import { expectError, expectStatus, readBytes, RegistryClient, sha256 } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const UNKNOWN_DIGEST = 'sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const OCTET_STREAM = { 'content-type': 'application/octet-stream' };

/** A body sent with chunked transfer encoding, so the request has no Content-Length. */
function streamOf(bytes: Buffer): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes));
      controller.close();
    },
  });
}

function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

describe('push blobs', () => {
  const repository = 'library/push';
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  async function expectBlob(name: string, bytes: Buffer): Promise<void> {
    const response = await client.request('GET', `/v2/${name}/blobs/${sha256(bytes)}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await readBytes(response), bytes);
  }

  test('monolithic POST with digest', async () => {
    const bytes = randomBytes(42);
    const digest = sha256(bytes);
    const response = await client.request('POST', `/v2/${repository}/blobs/uploads/?digest=${digest}`, { headers: OCTET_STREAM, body: bytes });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/v2/${repository}/blobs/${digest}`);
    assert.equal(response.headers.get('docker-content-digest'), digest);
    assert.equal(response.headers.get('content-length'), '0');
    await expectBlob(repository, bytes);
  });

  test('monolithic POST with encoded digest', async () => {
    const bytes = randomBytes(42);
    const digest = sha256(bytes);
    const query = `digest=${encodeURIComponent(digest)}&ns=registry.example`;
    assert.match(query, /sha256%3A/);
    const response = await client.request('POST', `/v2/${repository}/blobs/uploads/?${query}`, { headers: OCTET_STREAM, body: bytes });
    assert.equal(response.status, 201);
    await expectBlob(repository, bytes);
  });

  test('monolithic POST with wrong digest', async () => {
    const bytes = randomBytes(42);
    const claimed = sha256(randomBytes(42));
    const response = await client.request('POST', `/v2/${repository}/blobs/uploads/?digest=${claimed}`, { headers: OCTET_STREAM, body: bytes });
    await expectError(response, 400, 'DIGEST_INVALID');
    const lookup = await client.request('HEAD', `/v2/${repository}/blobs/${claimed}`);
    assert.equal(lookup.status, 404);
    assert.equal(await wharf.services.db.prisma.upload.count(), 0);
  });

  test('monolithic POST with malformed digest', async () => {
    const response = await client.request('POST', `/v2/${repository}/blobs/uploads/?digest=sha256:nothex`, { headers: OCTET_STREAM, body: 'x' });
    await expectError(response, 400, 'DIGEST_INVALID');
    assert.equal(await wharf.services.db.prisma.upload.count(), 0);
  });

  test('POST starts a session', async () => {
    const response = await client.request('POST', `/v2/${repository}/blobs/uploads/`);
    assert.equal(response.status, 202);
    const location = response.headers.get('location') ?? '';
    assert.match(location, new RegExp(`^/v2/${repository}/blobs/uploads/[0-9a-f-]{36}$`));
    assert.equal(response.headers.get('range'), '0-0');
    assert.equal(response.headers.get('docker-upload-uuid'), location.split('/').at(-1));
    assert.equal(response.headers.get('content-length'), '0');
  });

  test('POST then PUT', async () => {
    const bytes = randomBytes(1000);
    const digest = sha256(bytes);
    const location = await client.startUpload(repository);
    const response = await client.request('PUT', withDigest(location, digest), { headers: OCTET_STREAM, body: bytes });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/v2/${repository}/blobs/${digest}`);
    assert.equal(response.headers.get('docker-content-digest'), digest);
    await expectBlob(repository, bytes);
  });

  test('PUT with encoded digest', async () => {
    const bytes = randomBytes(100);
    const location = await client.startUpload(repository);
    const url = new URL(`${location.href}?digest=${encodeURIComponent(sha256(bytes))}`);
    const response = await client.request('PUT', url, { headers: OCTET_STREAM, body: bytes });
    assert.equal(response.status, 201);
    await expectBlob(repository, bytes);
  });

  test('empty blob upload', async () => {
    const empty = Buffer.alloc(0);
    const location = await client.startUpload(repository);
    const status = await client.request('GET', location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-0');
    const response = await client.request('PUT', withDigest(location, sha256(empty)));
    assert.equal(response.status, 201);
    await expectBlob(repository, empty);
  });

  test('streamed PATCH without Content-Range', async () => {
    const bytes = randomBytes(42);
    const location = await client.startUpload(repository);
    const patch = await client.request('PATCH', location, { headers: OCTET_STREAM, body: bytes });
    assert.equal(patch.status, 202);
    assert.equal(patch.headers.get('range'), '0-41');
    assert.equal(patch.headers.get('content-length'), '0');
    const next = client.url(patch.headers.get('location') ?? '');

    const put = await client.request('PUT', withDigest(next, sha256(bytes)), { headers: { 'content-length': '0' } });
    assert.equal(put.status, 201);
    await expectBlob(repository, bytes);
  });

  test('streamed PATCH with chunked encoding', async () => {
    const first = randomBytes(3000);
    const second = randomBytes(5000);
    const location = await client.startUpload(repository);
    const one = await client.request('PATCH', location, { headers: OCTET_STREAM, body: streamOf(first) });
    assert.equal(one.status, 202);
    assert.equal(one.headers.get('range'), '0-2999');
    const two = await client.request('PATCH', location, { headers: OCTET_STREAM, body: streamOf(second) });
    assert.equal(two.status, 202);
    assert.equal(two.headers.get('range'), '0-7999');

    const whole = Buffer.concat([first, second]);
    const put = await client.request('PUT', withDigest(location, sha256(whole)));
    assert.equal(put.status, 201);
    await expectBlob(repository, whole);
  });

  test('chunked upload with Content-Range', async () => {
    const bytes = randomBytes(42);
    const chunk1 = bytes.subarray(0, 22);
    const chunk2 = bytes.subarray(22);
    const location = await client.startUpload(repository);

    const outOfOrder = await client.request('PATCH', location, { headers: { ...OCTET_STREAM, 'content-range': '22-41' }, body: chunk2 });
    await expectError(outOfOrder, 416, 'RANGE_INVALID');
    assert.equal(outOfOrder.headers.get('range'), '0-0');

    const first = await client.request('PATCH', location, { headers: { ...OCTET_STREAM, 'content-range': '0-21' }, body: chunk1 });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get('range'), '0-21');

    const repeated = await client.request('PATCH', location, { headers: { ...OCTET_STREAM, 'content-range': '0-21' }, body: chunk1 });
    await expectError(repeated, 416, 'RANGE_INVALID');
    assert.equal(repeated.headers.get('range'), '0-21');

    const status = await client.request('GET', location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-21');
    assert.equal(status.headers.get('location'), location.pathname);
    assert.equal(status.headers.get('docker-upload-uuid'), location.pathname.split('/').at(-1));

    const second = await client.request('PATCH', client.url(status.headers.get('location') ?? ''), {
      headers: { ...OCTET_STREAM, 'content-range': '22-41' },
      body: chunk2,
    });
    assert.equal(second.status, 202);
    assert.equal(second.headers.get('range'), '0-41');

    const put = await client.request('PUT', withDigest(location, sha256(bytes)), { headers: { 'content-length': '0' } });
    assert.equal(put.status, 201);
    await expectBlob(repository, bytes);
  });

  test('final chunk in PUT', async () => {
    const bytes = randomBytes(100);
    const location = await client.startUpload(repository);
    const patch = await client.request('PATCH', location, { headers: { 'content-range': '0-59' }, body: bytes.subarray(0, 60) });
    assert.equal(patch.status, 202);

    const misplaced = await client.request('PUT', withDigest(location, sha256(bytes)), {
      headers: { 'content-range': '50-99' },
      body: bytes.subarray(50),
    });
    await expectError(misplaced, 416, 'RANGE_INVALID');

    const put = await client.request('PUT', withDigest(location, sha256(bytes)), {
      headers: { 'content-range': '60-99' },
      body: bytes.subarray(60),
    });
    assert.equal(put.status, 201);
    await expectBlob(repository, bytes);
  });

  test('PATCH length mismatch is SIZE_INVALID', async () => {
    const location = await client.startUpload(repository);
    const response = await client.request('PATCH', location, { headers: { 'content-range': '0-99' }, body: randomBytes(50) });
    await expectError(response, 400, 'SIZE_INVALID');
    const status = await client.request('GET', location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-0');
  });

  test('PATCH short streamed chunk keeps offset', async () => {
    const bytes = randomBytes(40);
    const location = await client.startUpload(repository);
    const short = await client.request('PATCH', location, { headers: { 'content-range': '0-39' }, body: streamOf(bytes.subarray(0, 10)) });
    await expectError(short, 400, 'SIZE_INVALID');

    const status = await client.request('GET', location);
    assert.equal(status.headers.get('range'), '0-0');
    const retry = await client.request('PATCH', location, { headers: { 'content-range': '0-39' }, body: streamOf(bytes) });
    assert.equal(retry.status, 202);
    const put = await client.request('PUT', withDigest(location, sha256(bytes)));
    assert.equal(put.status, 201);
    await expectBlob(repository, bytes);
  });

  test('PUT with wrong digest', async () => {
    const location = await client.startUpload(repository);
    const wrong = sha256('something else');
    const response = await client.request('PUT', withDigest(location, wrong), { headers: OCTET_STREAM, body: randomBytes(10) });
    const [error] = await expectError(response, 400, 'DIGEST_INVALID');
    assert.deepEqual(error?.detail, { digest: wrong });
    assert.equal((await client.request('HEAD', `/v2/${repository}/blobs/${wrong}`)).status, 404);
    await expectError(await client.request('GET', location), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  test('PUT without digest', async () => {
    const location = await client.startUpload(repository);
    const response = await client.request('PUT', location, { headers: OCTET_STREAM, body: randomBytes(10) });
    await expectError(response, 400, 'DIGEST_INVALID');
    const malformed = await client.request('PUT', withDigest(location, 'sha256:short'), { headers: OCTET_STREAM, body: randomBytes(10) });
    await expectError(malformed, 400, 'DIGEST_INVALID');
  });

  test('unknown upload is BLOB_UPLOAD_UNKNOWN', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const location = `/v2/${repository}/blobs/uploads/${id}`;
      await expectError(await client.request('GET', location), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectError(await client.request('PATCH', location, { body: 'abc' }), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectError(await client.request('PUT', `${location}?digest=${sha256('abc')}`, { body: 'abc' }), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectError(await client.request('DELETE', location), 404, 'BLOB_UPLOAD_UNKNOWN');
    }
  });

  test('upload of other repository is unknown', async () => {
    const location = await client.startUpload(repository);
    const id = location.pathname.split('/').at(-1);
    const response = await client.request('GET', `/v2/library/other/blobs/uploads/${id}`);
    await expectError(response, 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  test('DELETE cancels an upload', async () => {
    const location = await client.startUpload(repository);
    const id = location.pathname.split('/').at(-1) ?? '';
    const patch = await client.request('PATCH', location, { body: randomBytes(100) });
    assert.equal(patch.status, 202);
    assert.ok(await wharf.services.storage.stat(uploadKey(id)));

    const cancel = await client.request('DELETE', location);
    assert.equal(cancel.status, 204);
    await expectError(await client.request('GET', location), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectError(await client.request('DELETE', location), 404, 'BLOB_UPLOAD_UNKNOWN');
    assert.equal(await wharf.services.storage.stat(uploadKey(id)), undefined);
  });
});

describe('push mounts', () => {
  const source = 'library/source';
  const target = 'library/target';
  let wharf: TestWharf;
  let client: RegistryClient;
  let blob: Buffer;
  let digest: string;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    blob = randomBytes(42);
    digest = await client.pushBlob(source, blob);
  });
  after(async () => {
    await wharf.close();
  });

  test('mount with from is 201', async () => {
    const response = await client.request('POST', `/v2/${target}/blobs/uploads/?mount=${digest}&from=${source}`);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/v2/${target}/blobs/${digest}`);
    assert.equal(response.headers.get('docker-content-digest'), digest);
    const get = await client.request('GET', `/v2/${target}/blobs/${digest}`);
    assert.equal(get.status, 200);
    assert.deepEqual(await readBytes(get), blob);
  });

  test('mount with encoded values', async () => {
    const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(source)}&origin=example`;
    assert.match(query, /from=library%2Fsource/);
    const response = await client.request('POST', `/v2/library/encoded/blobs/uploads/?${query}`);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/v2/library/encoded/blobs/${digest}`);
  });

  test('mount of missing blob falls back', async () => {
    const response = await client.request('POST', `/v2/${target}/blobs/uploads/?mount=${UNKNOWN_DIGEST}&from=${source}`);
    assert.equal(response.status, 202);
    assert.match(response.headers.get('location') ?? '', new RegExp(`^/v2/${target}/blobs/uploads/`));
    assert.equal((await client.request('HEAD', `/v2/${target}/blobs/${UNKNOWN_DIGEST}`)).status, 404);
  });

  test('mount from repository lacking blob', async () => {
    const other = await client.pushBlob('library/unrelated', randomBytes(10));
    const response = await client.request('POST', `/v2/${target}/blobs/uploads/?mount=${other}&from=${source}`);
    assert.equal(response.status, 202);
    assert.equal((await client.request('HEAD', `/v2/${target}/blobs/${other}`)).status, 404);
  });

  test('mount with invalid digest falls back', async () => {
    const response = await client.request('POST', `/v2/${target}/blobs/uploads/?mount=sha256:bad&from=${source}`);
    assert.equal(response.status, 202);
  });

  test('mount without from', async () => {
    const found = await client.request('POST', `/v2/library/automatic/blobs/uploads/?mount=${digest}`);
    assert.equal(found.status, 201);
    assert.equal(found.headers.get('location'), `/v2/library/automatic/blobs/${digest}`);
    const missing = await client.request('POST', `/v2/library/automatic/blobs/uploads/?mount=${UNKNOWN_DIGEST}`);
    assert.equal(missing.status, 202);
    assert.match(missing.headers.get('location') ?? '', /^\/v2\/library\/automatic\/blobs\/uploads\//);
  });

  test('mount from unreadable project falls back', async () => {
    const { services } = wharf;
    await services.projects.create('secret', { public: false });
    const team = await services.projects.create('team', { public: false });
    const user = await services.users.create({ username: 'dev', password: 'dev-password-123' });
    await services.members.add(team.id, user.id, 'developer');
    const secretBlob = await client.pushBlob('secret/app', randomBytes(30));

    const developer = new RegistryClient(wharf.url, `Basic ${Buffer.from('dev:dev-password-123').toString('base64')}`);
    const withFrom = await developer.request('POST', `/v2/team/app/blobs/uploads/?mount=${secretBlob}&from=secret/app`);
    assert.equal(withFrom.status, 202);
    const withoutFrom = await developer.request('POST', `/v2/team/app/blobs/uploads/?mount=${secretBlob}`);
    assert.equal(withoutFrom.status, 202);
    assert.equal((await client.request('HEAD', `/v2/team/app/blobs/${secretBlob}`)).status, 404);

    const readable = await developer.request('POST', `/v2/team/app/blobs/uploads/?mount=${digest}&from=${source}`);
    assert.equal(readable.status, 201);
  });
});

describe('push access and names', () => {
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
  });
  after(async () => {
    await wharf.close();
  });

  test('anonymous push gets a challenge', async () => {
    const anonymous = new RegistryClient(wharf.url);
    const response = await anonymous.request('POST', '/v2/library/app/blobs/uploads/');
    await expectError(response, 401, 'UNAUTHORIZED');
    assert.equal(
      response.headers.get('www-authenticate'),
      `Bearer realm="${wharf.services.config.externalUrl}/service/token",service="wharf",scope="repository:library/app:pull,push"`,
    );
    const manifest = await anonymous.putManifest('library/app', 'v1', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json');
    await expectError(manifest, 401, 'UNAUTHORIZED');
  });

  test('push into missing project', async () => {
    const upload = await client.request('POST', '/v2/nosuchproject/app/blobs/uploads/');
    const [error] = await expectError(upload, 404, 'NAME_UNKNOWN');
    assert.match(error?.message ?? '', /nosuchproject/);
    assert.deepEqual(error?.detail, { project: 'nosuchproject' });

    const manifest = await client.putManifest('nosuchproject/app', 'v1', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json');
    await expectError(manifest, 404, 'NAME_UNKNOWN');
  });

  const invalidNames = ['Library/App', 'app', 'library/-app', 'library/a..b', 'library/app_', 'library//app', `library/${'a'.repeat(250)}`];
  for (const name of invalidNames) {
    test(`name ${name.slice(0, 20)} is NAME_INVALID`, async () => {
      const response = await client.request('POST', `/v2/${name}/blobs/uploads/`);
      const [error] = await expectError(response, 400, 'NAME_INVALID');
      assert.deepEqual(error?.detail, { name });
    });
  }

  test('name with blobs component works', async () => {
    const name = 'library/blobs/manifests';
    const bytes = randomBytes(10);
    await client.pushBlob(name, bytes);
    const response = await client.request('GET', `/v2/${name}/blobs/${sha256(bytes)}`);
    assert.equal(response.status, 200);
  });

  test('tags list of invalid name', async () => {
    await expectError(await client.request('GET', '/v2/Bad/tags/list'), 400, 'NAME_INVALID');
  });

  test('upload POST echoes no body', async () => {
    const response = await client.request('POST', '/v2/library/app/blobs/uploads/', { headers: { 'content-type': 'application/json' } });
    await expectStatus(response, 202, 'POST upload with JSON type');
    assert.equal((await readBytes(response)).length, 0);
  });
});
