import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCommand as runWharfCommand } from '../../api/cli/commands/index.ts';
import { FilesystemDriver } from '../../api/storage/filesystem-driver.ts';
import { blobKey } from '../../api/storage/paths.ts';
import { assertSameImage } from '../clients/layout-assertions.ts';
import { addLayerByInsert, addLayerByRepack, initLayout, newImage, readBlob, resolveTag } from '../clients/oci-layout.ts';
import { CommandError, runCommand, skipUnlessInstalled } from '../support/tools.ts';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';

const ADMIN_CREDENTIALS = `admin:${ADMIN_PASSWORD}`;
const MiB = 1024 * 1024;

interface ImageManifest {
  config: { digest: string; size: number };
  layers: { digest: string; size: number }[];
}

function skopeo(...args: string[]) {
  return runCommand('skopeo', args, { timeoutMs: 300_000 });
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

async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

describe('quota and gc with skopeo', { skip: skipUnlessInstalled('skopeo', 'umoci') }, () => {
  let wharf: TestWharf;
  let host: string;
  let scratch: string;
  let layout: string;

  const push = (tag: string, reference: string) =>
    skopeo('copy', '--dest-creds', ADMIN_CREDENTIALS, '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${host}/${reference}`);
  const pushFailure = (tag: string, reference: string) =>
    skopeoFailure('copy', '--dest-creds', ADMIN_CREDENTIALS, '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${host}/${reference}`);
  const manifestOf = async (tag: string) => JSON.parse((await readBlob(layout, (await resolveTag(layout, tag)).digest)).toString()) as ImageManifest;
  const usageOf = async (project: string) => (await wharf.services.quota.usage(project)).used;

  /** Path of a blob's file in Wharf's file-system storage. */
  const blobFile = (digest: string) => {
    assert.ok(wharf.services.storage instanceof FilesystemDriver, 'this test reads blob files from file-system storage');
    return wharf.services.storage.localPath(blobKey(digest));
  };

  before(async () => {
    wharf = await startTestWharf({ WHARF_GC_INTERVAL: '0', WHARF_RETENTION_INTERVAL: '0' });
    host = new URL(wharf.url).host;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-quota-gc-'));
    layout = path.join(scratch, 'images');
    await initLayout(layout);

    // A 60 MiB image: random bytes do not compress, so its layer stays about 60 MiB after gzip.
    const payload = path.join(scratch, 'payload');
    await mkdir(payload);
    await writeFile(path.join(payload, 'random.bin'), randomBytes(60 * MiB));
    await newImage(layout, 'big');
    await addLayerByInsert(layout, 'big', payload, '/opt/payload');

    // Two images on one base layer, each with a layer of its own.
    await newImage(layout, 'base');
    await addLayerByRepack(layout, 'base', { 'opt/base.bin': randomBytes(256 * 1024) });
    for (const tag of ['first', 'second']) {
      await runCommand('umoci', ['tag', '--image', `${layout}:base`, tag]);
      await addLayerByRepack(layout, tag, { [`opt/${tag}.bin`]: randomBytes(128 * 1024) });
    }
  });

  after(async () => {
    await wharf?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('60 MiB push over 50 MiB is denied', async () => {
    const big = await manifestOf('big');
    assert.ok(big.layers[0]!.size > 60 * MiB, `the built layer is only ${big.layers[0]!.size} bytes`);
    await wharf.services.projects.create('capped', { public: false });
    const set = await runWharfCommand(['quota', 'set', 'capped', '50MiB'], wharf.services);
    assert.equal(set.exitCode, 0, set.output);

    const stderr = await pushFailure('big', 'capped/app:1.0');
    assert.match(stderr, /denied/i);
    assert.match(stderr, /storage quota of project capped exceeded: limit 50\.0 MiB, used [\d.]+ (B|KiB), this push adds 60\.\d MiB/);

    assert.ok((await usageOf('capped')) < 64 * 1024, 'the refused layer was counted');
    assert.equal(await wharf.services.db.prisma.repositoryBlob.count({ where: { digest: big.layers[0]!.digest } }), 0);
    const manifest = await fetch(`${wharf.url}/v2/capped/app/manifests/1.0`, { method: 'HEAD', headers: { authorization: wharf.adminAuth } });
    assert.equal(manifest.status, 404);
    assert.deepEqual(await wharf.services.quota.verify(false), []);
  });

  test('delete then gc frees unshared layers', async () => {
    await wharf.services.projects.create('sweep', { public: false });
    await push('first', 'sweep/first:1.0');
    await push('second', 'sweep/second:1.0');
    const first = await manifestOf('first');
    const second = await manifestOf('second');
    const sharedLayer = second.layers[0]!.digest;
    const ownLayer = second.layers[1]!.digest;
    assert.equal(first.layers[0]!.digest, sharedLayer, 'the two images do not share their base layer');
    assert.ok(await fileExists(blobFile(ownLayer)));
    const usageBeforeDelete = await usageOf('sweep');

    await skopeo('delete', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/sweep/second:1.0`);
    const secondManifestSize = (await resolveTag(layout, 'second')).size;
    assert.equal(await usageOf('sweep'), usageBeforeDelete - second.layers[1]!.size - second.config.size - secondManifestSize);

    const gc = await runWharfCommand(['gc', '--grace', '0s'], wharf.services);
    assert.equal(gc.exitCode, 0, gc.output);
    assert.match(gc.output, /blobs deleted: 2 /);
    assert.equal(await fileExists(blobFile(ownLayer)), false, 'the deleted image kept its own layer on disk');
    assert.equal(await fileExists(blobFile(second.config.digest)), false, 'the deleted image kept its config on disk');
    assert.ok(await fileExists(blobFile(sharedLayer)), 'gc deleted the shared base layer');
    for (const layer of first.layers) assert.ok(await fileExists(blobFile(layer.digest)), `gc deleted ${layer.digest} of the kept image`);

    const copy = path.join(scratch, 'pulled');
    await skopeo('copy', '--src-creds', ADMIN_CREDENTIALS, '--src-tls-verify=false', `docker://${host}/sweep/first:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'first', copy, '1.0');
  });

  test('immutable tag cannot be overwritten', async () => {
    await wharf.services.projects.create('frozen', { public: false });
    await push('first', 'frozen/app:1.0');
    const added = await runWharfCommand(['immutable', 'add', 'frozen', '--repo', 'app', '--tag', '1.*'], wharf.services);
    assert.equal(added.exitCode, 0, added.output);

    const stderr = await pushFailure('second', 'frozen/app:1.0');
    assert.match(stderr, /tag 1\.0 of frozen\/app is immutable/);
    const deleteError = await skopeoFailure('delete', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/frozen/app:1.0`);
    assert.match(deleteError, /immutable/);

    const { stdout } = await skopeo('inspect', '--raw', '--creds', ADMIN_CREDENTIALS, '--tls-verify=false', `docker://${host}/frozen/app:1.0`);
    assert.equal(stdout, (await readBlob(layout, (await resolveTag(layout, 'first')).digest)).toString());
    await push('second', 'frozen/app:2.0');
  });
});
