import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { CommandError, runCommand, skipUnlessInstalled } from '../support/tools.ts';
import { assertSameImage } from './layout-assertions.ts';
import {
  addLayerByRepack,
  initLayout,
  listReachableBlobs,
  newImage,
  readBlob,
  resolveTag,
  writeImageIndex,
} from './oci-layout.ts';

const ADMIN_CREDENTIALS = `admin:${ADMIN_PASSWORD}`;

function skopeo(...args: string[]) {
  return runCommand('skopeo', args);
}

/** Runs skopeo expecting it to fail, and returns its stderr. */
async function skopeoFailure(...args: string[]): Promise<string> {
  try {
    await skopeo(...args);
  } catch (error) {
    if (error instanceof CommandError) return error.stderr;
    throw error;
  }
  assert.fail(`skopeo ${args.join(' ')} succeeded but was expected to fail`);
}

describe('skopeo against wharf', { skip: skipUnlessInstalled('skopeo', 'umoci') }, () => {
  let wharf: TestWharf;
  let host: string;
  let scratch: string;
  let layout: string;
  let layoutCount = 0;

  /** A new, empty folder for skopeo to create an OCI layout in. */
  const freshLayout = () => path.join(scratch, `copy-${++layoutCount}`);

  const push = (tag: string, reference: string, ...extra: string[]) =>
    skopeo('copy', ...extra, '--dest-creds', ADMIN_CREDENTIALS, '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${host}/${reference}`);

  before(async () => {
    wharf = await startTestWharf();
    host = new URL(wharf.url).host;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-skopeo-'));
    layout = path.join(scratch, 'images');

    await initLayout(layout);
    await newImage(layout, 'app');
    await addLayerByRepack(layout, 'app', { 'opt/app/random.bin': randomBytes(256 * 1024) });
    await addLayerByRepack(layout, 'app', { 'etc/app.conf': 'listen = 8080\n', 'opt/app/more.bin': randomBytes(64 * 1024) });
    await addLayerByRepack(layout, 'app', { 'usr/share/doc/app/README': 'third layer\n' });

    for (const architecture of ['amd64', 'arm64']) {
      await newImage(layout, architecture, architecture);
      await addLayerByRepack(layout, architecture, { [`opt/${architecture}.bin`]: randomBytes(32 * 1024) });
      await addLayerByRepack(layout, architecture, { 'etc/platform': `${architecture}\n` });
    }
    await writeImageIndex(layout, 'multi', [
      { tag: 'amd64', architecture: 'amd64' },
      { tag: 'arm64', architecture: 'arm64' },
    ]);
  });

  after(async () => {
    await wharf?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('built image has several layers', async () => {
    const manifest = JSON.parse((await readBlob(layout, (await resolveTag(layout, 'app')).digest)).toString()) as {
      layers: unknown[];
    };
    assert.equal(manifest.layers.length, 3);
  });

  test('copy round trip keeps every byte', async () => {
    await push('app', 'library/roundtrip:1.0');

    const copy = freshLayout();
    await skopeo('copy', '--src-creds', ADMIN_CREDENTIALS, '--src-tls-verify=false', `docker://${host}/library/roundtrip:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'app', copy, '1.0');
  });

  test('inspect reports digest and layers', async () => {
    await push('app', 'library/inspected:1.0');
    const source = await resolveTag(layout, 'app');
    const manifestBytes = await readBlob(layout, source.digest);
    const manifest = JSON.parse(manifestBytes.toString()) as { layers: { digest: string }[] };

    const { stdout } = await skopeo('inspect', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/library/inspected:1.0`);
    const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[]; Architecture: string; Os: string; RepoTags: string[] };
    assert.equal(inspected.Digest, source.digest);
    assert.deepEqual(
      inspected.Layers,
      manifest.layers.map((layer) => layer.digest),
    );
    assert.equal(inspected.Architecture, 'amd64');
    assert.equal(inspected.Os, 'linux');
    assert.deepEqual(inspected.RepoTags, ['1.0']);

    const raw = await skopeo('inspect', '--raw', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/library/inspected:1.0`);
    assert.equal(raw.stdout, manifestBytes.toString(), 'raw manifest differs from the pushed bytes');
  });

  test('list-tags shows every pushed tag', async () => {
    for (const tag of ['2.0', '1.0', 'latest']) await push('app', `library/tagged:${tag}`);

    const { stdout } = await skopeo('list-tags', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/library/tagged`);
    const listed = JSON.parse(stdout) as { Repository: string; Tags: string[] };
    assert.equal(listed.Repository, `${host}/library/tagged`);
    assert.deepEqual(listed.Tags, ['1.0', '2.0', 'latest']);
  });

  test('delete removes the tag', async () => {
    await push('app', 'library/doomed:1.0');
    const { digest } = await resolveTag(layout, 'app');

    await skopeo('delete', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/library/doomed:1.0`);

    const stderr = await skopeoFailure('inspect', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/library/doomed:1.0`);
    assert.match(stderr, /manifest unknown/i);
    const byDigest = await fetch(`${wharf.url}/v2/library/doomed/manifests/${digest}`, { headers: { authorization: wharf.adminAuth } });
    assert.equal(byDigest.status, 404);
    const tags = await fetch(`${wharf.url}/v2/library/doomed/tags/list`, { headers: { authorization: wharf.adminAuth } });
    if (tags.status === 200) {
      const body = (await tags.json()) as { tags: string[] };
      assert.ok(!body.tags.includes('1.0'), `tag 1.0 still listed: ${JSON.stringify(body.tags)}`);
    } else {
      assert.equal(tags.status, 404);
    }
  });

  test('multi-arch index round trip', async () => {
    await push('multi', 'library/multi:1.0', '--all');
    const index = await resolveTag(layout, 'multi');

    const raw = await skopeo('inspect', '--raw', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/library/multi:1.0`);
    assert.equal(raw.stdout, (await readBlob(layout, index.digest)).toString(), 'raw index differs from the pushed bytes');

    const arm64 = await skopeo(
      '--override-arch',
      'arm64',
      'inspect',
      '--creds',
      ADMIN_CREDENTIALS,
      '--tls-verify=false',
      `docker://${host}/library/multi:1.0`,
    );
    // skopeo 1.9 reports the digest of the index it resolved, and the chosen image's details.
    const inspected = JSON.parse(arm64.stdout) as { Digest: string; Architecture: string; Layers: string[] };
    assert.equal(inspected.Digest, index.digest);
    assert.equal(inspected.Architecture, 'arm64');
    const arm64Manifest = JSON.parse((await readBlob(layout, (await resolveTag(layout, 'arm64')).digest)).toString()) as {
      layers: { digest: string }[];
    };
    assert.deepEqual(
      inspected.Layers,
      arm64Manifest.layers.map((layer) => layer.digest),
    );

    const copy = freshLayout();
    await skopeo('copy', '--all', '--src-creds', ADMIN_CREDENTIALS, '--src-tls-verify=false', `docker://${host}/library/multi:1.0`, `oci:${copy}:1.0`);
    const root = await assertSameImage(layout, 'multi', copy, '1.0');
    const blobs = await listReachableBlobs(layout, root);
    // The index, two manifests, two configs and two layers each.
    assert.equal(blobs.length, 1 + 2 + 2 + 4);
  });

  test('anonymous pull from public project', async () => {
    await push('app', 'library/public:1.0');

    const copy = freshLayout();
    await skopeo('copy', '--src-tls-verify=false', `docker://${host}/library/public:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'app', copy, '1.0');
  });

  test('private project rejects anonymous pull', async () => {
    await wharf.services.projects.create('private-team', { public: false });
    await push('app', 'private-team/app:1.0');

    const inspectError = await skopeoFailure('inspect', '--tls-verify=false', `docker://${host}/private-team/app:1.0`);
    assert.match(inspectError, /unauthorized|authentication required|denied/i);
    const copyError = await skopeoFailure('copy', '--src-tls-verify=false', `docker://${host}/private-team/app:1.0`, `oci:${freshLayout()}:1.0`);
    assert.match(copyError, /unauthorized|authentication required|denied/i);

    const copy = freshLayout();
    await skopeo('copy', '--src-creds', ADMIN_CREDENTIALS, '--src-tls-verify=false', `docker://${host}/private-team/app:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'app', copy, '1.0');
  });
});
