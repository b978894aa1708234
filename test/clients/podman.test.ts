import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { runCommand, skipUnlessInstalled } from '../support/tools.ts';
import { addLayerByRepack, initLayout, newImage } from './oci-layout.ts';

const ADMIN_CREDENTIALS = `admin:${ADMIN_PASSWORD}`;

interface PodmanImage {
  Id: string;
  Digest: string;
  RepoTags: string[];
  RootFS: { Layers: string[] };
}

describe('podman against wharf', { skip: skipUnlessInstalled('podman', 'umoci') }, () => {
  let wharf: TestWharf;
  let host: string;
  let scratch: string;
  let layout: string;
  let pushedDigest = '';

  /**
   * Runs podman with its image store in the scratch folder. podman 4.3 cannot run
   * containers here, but pull and push work as root on the vfs driver.
   */
  const podman = (...args: string[]) =>
    runCommand('podman', [
      '--root',
      path.join(scratch, 'storage'),
      '--runroot',
      path.join(scratch, 'run'),
      '--storage-driver',
      'vfs',
      '--events-backend',
      'none',
      ...args,
    ]);

  const inspect = async (reference: string): Promise<PodmanImage> => {
    const { stdout } = await podman('image', 'inspect', reference);
    const [image] = JSON.parse(stdout) as PodmanImage[];
    assert.ok(image, `podman image inspect returned nothing for ${reference}`);
    return image;
  };

  before(async () => {
    wharf = await startTestWharf();
    host = new URL(wharf.url).host;
    // podman names an image pulled from a layout after its path, which must be lower case.
    scratch = path.join(os.tmpdir(), `wharf-podman-${randomBytes(6).toString('hex')}`);
    await mkdir(scratch);
    layout = path.join(scratch, 'images');

    await initLayout(layout);
    await newImage(layout, 'app');
    await addLayerByRepack(layout, 'app', { 'opt/data.bin': randomBytes(96 * 1024) });
    await addLayerByRepack(layout, 'app', { 'etc/app.conf': 'mode = test\n' });
  });

  after(async () => {
    await wharf?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('push, remove and pull back', async () => {
    // podman prints the ID of the image it pulled as the last line.
    const { stdout: pulledId } = await podman('pull', `oci:${layout}:app`);
    await podman('tag', pulledId.trim().split('\n').at(-1)!, `${host}/library/podman-app:1.0`);
    const original = await inspect(`${host}/library/podman-app:1.0`);

    const digestFile = path.join(scratch, 'pushed-digest');
    await podman('push', '--tls-verify=false', '--creds', ADMIN_CREDENTIALS, '--digestfile', digestFile, `${host}/library/podman-app:1.0`);
    pushedDigest = (await readFile(digestFile, 'utf8')).trim();
    assert.match(pushedDigest, /^sha256:[a-f0-9]{64}$/);

    await podman('rmi', '--all', '--force');
    const { stdout: remaining } = await podman('images', '--quiet');
    assert.equal(remaining.trim(), '', 'images left after podman rmi --all');

    await podman('pull', '--tls-verify=false', '--creds', ADMIN_CREDENTIALS, `${host}/library/podman-app:1.0`);
    const pulled = await inspect(`${host}/library/podman-app:1.0`);
    assert.equal(pulled.Digest, pushedDigest);
    assert.equal(pulled.Id, original.Id, 'image ID (config digest) changed');
    assert.deepEqual(pulled.RootFS.Layers, original.RootFS.Layers);
  });

  test('anonymous pull from public project', async () => {
    assert.ok(pushedDigest, 'the push test did not push the image this test reads');
    await podman('rmi', '--all', '--force');
    await podman('pull', '--tls-verify=false', `${host}/library/podman-app:1.0`);

    const pulled = await inspect(`${host}/library/podman-app:1.0`);
    assert.equal(pulled.Digest, pushedDigest);
  });
});
