import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runningCopyCount } from '../../api/storage/file-copy.ts';
import {
  buildImage,
  DOCKER_MANIFEST,
  expectError,
  OCI_MANIFEST,
  readBytes,
  RegistryClient,
  sha256,
  type TestImage,
} from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

/** The digest of `hello world`, never pushed, as in the conformance suite. */
const UNKNOWN_DIGEST = 'sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

/** Waits until `condition` returns true, checking every 20 ms, and fails after `timeoutMs`. */
async function waitUntil(condition: () => boolean, message: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(message);
    await sleep(20);
  }
}

/** Sends a GET with one `Accept` header line per type, as podman and docker do. */
function getWithAcceptLines(url: URL, accept: string[], authorization: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setHeader('accept', accept);
    request.setHeader('authorization', authorization);
    request.end();
  });
}

describe('pull', () => {
  const repository = 'library/pull';
  let wharf: TestWharf;
  let client: RegistryClient;
  let anonymous: RegistryClient;
  let image: TestImage;
  let blob: Buffer;
  let blobDigest: string;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    anonymous = new RegistryClient(wharf.url);
    image = buildImage();
    await client.pushImage(repository, image, 'tagtest0');
    blob = randomBytes(2048);
    blobDigest = await client.pushBlob(repository, blob);
  });
  after(async () => {
    await wharf.close();
  });

  test('ping returns 200 with an empty object', async () => {
    for (const path of ['/v2/', '/v2']) {
      const response = await client.request('GET', path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
      assert.deepEqual(await response.json(), {});
    }
  });

  test('blob HEAD returns headers only', async () => {
    const response = await client.request('HEAD', `/v2/${repository}/blobs/${blobDigest}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), '2048');
    assert.equal(response.headers.get('docker-content-digest'), blobDigest);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.equal((await readBytes(response)).length, 0);
  });

  test('blob HEAD unknown is 404 without body', async () => {
    const response = await client.request('HEAD', `/v2/${repository}/blobs/${UNKNOWN_DIGEST}`);
    assert.equal(response.status, 404);
    assert.equal((await readBytes(response)).length, 0);
  });

  test('blob GET returns exact bytes', async () => {
    const response = await client.request('GET', `/v2/${repository}/blobs/${blobDigest}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('docker-content-digest'), blobDigest);
    assert.equal(response.headers.get('content-length'), '2048');
    assert.deepEqual(await readBytes(response), blob);
  });

  test('blob GET of several chunks', async () => {
    const large = randomBytes(3 * 1024 * 1024 + 17);
    const digest = await client.pushBlob(repository, large);
    const response = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.deepEqual(await readBytes(response), large);
  });

  test('blob GET cut short by client', async () => {
    const large = randomBytes(8 * 1024 * 1024);
    const digest = await client.pushBlob(repository, large);
    const url = new URL(`/v2/${repository}/blobs/${digest}`, wharf.url);
    await new Promise<void>((resolve, reject) => {
      const request = http.get(url, { headers: { authorization: wharf.adminAuth } }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error) => (request.destroyed ? resolve() : reject(error)));
    });

    const again = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
    assert.equal(again.status, 200);
    assert.deepEqual(await readBytes(again), large);
  });

  test('pipelined blob GETs end on hang-up', async () => {
    // Larger than the socket buffers of both ends, so the first response cannot finish while nothing is read.
    const large = randomBytes(32 * 1024 * 1024);
    const digest = await client.pushBlob(repository, large);
    const { hostname, port } = new URL(wharf.url);
    const socket = net.connect(Number(port), hostname);
    await once(socket, 'connect');
    socket.pause();
    const get = `GET /v2/${repository}/blobs/${digest} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${wharf.adminAuth}\r\n\r\n`;
    socket.write(get + get);

    await waitUntil(() => runningCopyCount() === 2, 'both downloads started');
    socket.destroy();
    await waitUntil(() => runningCopyCount() === 0, 'both downloads ended after the client left');
  });

  test('blob GET with encoded digest', async () => {
    const response = await client.request('GET', `/v2/${repository}/blobs/${encodeURIComponent(blobDigest)}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await readBytes(response), blob);
  });

  test('blob GET unknown is BLOB_UNKNOWN', async () => {
    const response = await client.request('GET', `/v2/${repository}/blobs/${UNKNOWN_DIGEST}`);
    const [error] = await expectError(response, 404, 'BLOB_UNKNOWN');
    assert.deepEqual(error?.detail, { digest: UNKNOWN_DIGEST });
  });

  test('blob GET in other repository is unknown', async () => {
    const response = await client.request('GET', `/v2/library/elsewhere/blobs/${blobDigest}`);
    await expectError(response, 404, 'BLOB_UNKNOWN');
  });

  test('blob GET malformed digest is DIGEST_INVALID', async () => {
    for (const digest of ['sha256:totallywrong', 'sha256:' + 'A'.repeat(64), 'md5:abc']) {
      const response = await client.request('GET', `/v2/${repository}/blobs/${digest}`);
      await expectError(response, 400, 'DIGEST_INVALID');
    }
  });

  const satisfiable: [string, number, number][] = [
    ['bytes=500-1499', 500, 1499],
    ['bytes=500-', 500, 2047],
    ['bytes=-500', 1548, 2047],
    ['bytes=2000-5000', 2000, 2047],
    ['bytes=0-0', 0, 0],
    ['bytes=-5000', 0, 2047],
  ];
  for (const [range, start, end] of satisfiable) {
    test(`blob range ${range} is partial`, async () => {
      const response = await client.request('GET', `/v2/${repository}/blobs/${blobDigest}`, { headers: { range } });
      assert.equal(response.status, 206);
      assert.equal(response.headers.get('content-range'), `bytes ${start}-${end}/2048`);
      assert.equal(response.headers.get('content-length'), String(end - start + 1));
      assert.equal(response.headers.get('docker-content-digest'), blobDigest);
      assert.deepEqual(await readBytes(response), blob.subarray(start, end + 1));
    });
  }

  for (const range of ['bytes=5000-10000', 'bytes=2048-', 'bytes=500-0', 'bytes=-0']) {
    test(`blob range ${range} is unsatisfiable`, async () => {
      const response = await client.request('GET', `/v2/${repository}/blobs/${blobDigest}`, { headers: { range } });
      await expectError(response, 416, 'RANGE_INVALID');
      assert.equal(response.headers.get('content-range'), 'bytes */2048');
    });
  }

  test('blob HEAD with range is partial', async () => {
    const response = await client.request('HEAD', `/v2/${repository}/blobs/${blobDigest}`, { headers: { range: 'bytes=10-19' } });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get('content-length'), '10');
    assert.equal((await readBytes(response)).length, 0);
  });

  test('manifest GET by tag and digest', async () => {
    for (const reference of ['tagtest0', image.digest]) {
      const response = await client.request('GET', `/v2/${repository}/manifests/${reference}`, { headers: { accept: OCI_MANIFEST } });
      assert.equal(response.status, 200, reference);
      assert.equal(response.headers.get('content-type'), OCI_MANIFEST);
      assert.equal(response.headers.get('docker-content-digest'), image.digest);
      assert.equal(response.headers.get('content-length'), String(image.manifest.length));
      assert.deepEqual(await readBytes(response), image.manifest);
    }
  });

  test('manifest HEAD by tag and digest', async () => {
    for (const reference of ['tagtest0', image.digest]) {
      const response = await client.request('HEAD', `/v2/${repository}/manifests/${reference}`);
      assert.equal(response.status, 200, reference);
      assert.equal(response.headers.get('content-type'), OCI_MANIFEST);
      assert.equal(response.headers.get('docker-content-digest'), image.digest);
      assert.equal(response.headers.get('content-length'), String(image.manifest.length));
      assert.equal((await readBytes(response)).length, 0);
    }
  });

  test('manifest GET ignores unrelated Accept', async () => {
    const response = await client.request('GET', `/v2/${repository}/manifests/tagtest0`, { headers: { accept: DOCKER_MANIFEST } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), OCI_MANIFEST);
  });

  test('manifest GET with several Accept lines', async () => {
    const accept = [DOCKER_MANIFEST, 'application/vnd.docker.distribution.manifest.list.v2+json', OCI_MANIFEST];
    const response = await getWithAcceptLines(client.url(`/v2/${repository}/manifests/tagtest0`), accept, wharf.adminAuth);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], OCI_MANIFEST);
    assert.equal(response.headers['docker-content-digest'], image.digest);
    assert.deepEqual(response.body, image.manifest);
  });

  test('manifest GET with matching ETag is 304', async () => {
    const response = await client.request('GET', `/v2/${repository}/manifests/tagtest0`, { headers: { 'if-none-match': `"${image.digest}"` } });
    assert.equal(response.status, 304);
    assert.equal((await readBytes(response)).length, 0);
  });

  test('manifest invalid name is 404', async () => {
    const get = await client.request('GET', `/v2/${repository}/manifests/.INVALID_MANIFEST_NAME`);
    await expectError(get, 404, 'MANIFEST_UNKNOWN');
    const head = await client.request('HEAD', `/v2/${repository}/manifests/.INVALID_MANIFEST_NAME`);
    assert.equal(head.status, 404);
  });

  test('manifest unknown tag and digest', async () => {
    await expectError(await client.request('GET', `/v2/${repository}/manifests/nope`), 404, 'MANIFEST_UNKNOWN');
    await expectError(await client.request('GET', `/v2/${repository}/manifests/${UNKNOWN_DIGEST}`), 404, 'MANIFEST_UNKNOWN');
    const head = await client.request('HEAD', `/v2/${repository}/manifests/nope`);
    assert.equal(head.status, 404);
    assert.equal((await readBytes(head)).length, 0);
  });

  test('manifest malformed digest is 400 or 404', async () => {
    const response = await client.request('GET', `/v2/${repository}/manifests/sha256:totallywrong`);
    assert.ok([400, 404].includes(response.status), `got ${response.status}`);
    await expectError(response, response.status, response.status === 400 ? 'DIGEST_INVALID' : 'MANIFEST_UNKNOWN');
  });

  test('manifest GET in unknown repository', async () => {
    const response = await client.request('GET', `/v2/library/nothing-here/manifests/latest`);
    assert.equal(response.status, 404);
    const [error] = await expectError(response, 404, 'MANIFEST_UNKNOWN');
    assert.ok(error);
  });

  test('manifest GET in malformed repository is 404', async () => {
    const response = await client.request('GET', `/v2/Library/Bad/manifests/latest`);
    await expectError(response, 404, 'NAME_UNKNOWN');
  });

  test('docker manifest keeps its media type', async () => {
    const docker = buildImage({ format: 'docker' });
    await client.pushImage(repository, docker, 'docker');
    const response = await client.request('GET', `/v2/${repository}/manifests/docker`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), DOCKER_MANIFEST);
    assert.equal(response.headers.get('docker-content-digest'), docker.digest);
    assert.deepEqual(await readBytes(response), docker.manifest);
  });

  test('anonymous pull from public project', async () => {
    const manifest = await anonymous.request('GET', `/v2/${repository}/manifests/tagtest0`);
    assert.equal(manifest.status, 200);
    assert.deepEqual(await readBytes(manifest), image.manifest);
    const config = await anonymous.request('GET', `/v2/${repository}/blobs/${sha256(image.config)}`);
    assert.equal(config.status, 200);
    assert.deepEqual(await readBytes(config), image.config);
    const tags = await anonymous.request('GET', `/v2/${repository}/tags/list`);
    assert.equal(tags.status, 200);
  });

  test('anonymous pull from private project', async () => {
    await wharf.services.projects.create('hidden', { public: false });
    const hidden = buildImage();
    await client.pushImage('hidden/app', hidden, 'v1');

    const response = await anonymous.request('GET', `/v2/hidden/app/manifests/v1`);
    await expectError(response, 401, 'UNAUTHORIZED');
    assert.equal(
      response.headers.get('www-authenticate'),
      `Bearer realm="${wharf.services.config.externalUrl}/service/token",service="wharf",scope="repository:hidden/app:pull"`,
    );
  });
});
