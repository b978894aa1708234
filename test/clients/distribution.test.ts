import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { runCommand, skipUnlessInstalled } from '../support/tools.ts';
import { startDistribution, type DistributionRegistry } from './distribution.ts';
import { assertSameImage } from './layout-assertions.ts';
import { addLayerByRepack, initLayout, newImage, resolveTag, writeImageIndex } from './oci-layout.ts';

const ADMIN_CREDENTIALS = `admin:${ADMIN_PASSWORD}`;

function skopeo(...args: string[]) {
  return runCommand('skopeo', args);
}

/** The manifest digest a registry returns for a reference, read with skopeo. */
async function remoteDigest(reference: string, ...credentials: string[]): Promise<string> {
  const { stdout } = await skopeo('inspect', '--raw', ...credentials, '--tls-verify=false', `docker://${reference}`);
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

describe('copies between wharf and distribution', { skip: skipUnlessInstalled('skopeo', 'umoci', 'docker-registry') }, () => {
  let wharf: TestWharf;
  let wharfHost: string;
  let distribution: DistributionRegistry;
  let scratch: string;
  let layout: string;

  before(async () => {
    [wharf, distribution] = await Promise.all([startTestWharf(), startDistribution()]);
    wharfHost = new URL(wharf.url).host;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-distribution-copy-'));
    layout = path.join(scratch, 'images');

    await initLayout(layout);
    await newImage(layout, 'app');
    await addLayerByRepack(layout, 'app', { 'opt/one.bin': randomBytes(128 * 1024) });
    await addLayerByRepack(layout, 'app', { 'opt/two.bin': randomBytes(16 * 1024) });
    for (const architecture of ['amd64', 'arm64']) {
      await newImage(layout, architecture, architecture);
      await addLayerByRepack(layout, architecture, { 'etc/platform': `${architecture}\n` });
    }
    await writeImageIndex(layout, 'multi', [
      { tag: 'amd64', architecture: 'amd64' },
      { tag: 'arm64', architecture: 'arm64' },
    ]);
  });

  after(async () => {
    await Promise.all([wharf?.close(), distribution?.stop()]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('distribution to wharf keeps digest', async () => {
    const { digest } = await resolveTag(layout, 'app');
    await skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:app`, `docker://${distribution.host}/team/app:1.0`);

    await skopeo(
      'copy',
      '--src-tls-verify=false',
      '--dest-creds',
      ADMIN_CREDENTIALS,
      '--dest-tls-verify=false',
      `docker://${distribution.host}/team/app:1.0`,
      `docker://${wharfHost}/library/from-distribution:1.0`,
    );
    assert.equal(await remoteDigest(`${wharfHost}/library/from-distribution:1.0`, '--creds', ADMIN_CREDENTIALS), digest);

    const copy = path.join(scratch, 'from-distribution');
    await skopeo('copy', '--src-tls-verify=false', `docker://${wharfHost}/library/from-distribution:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'app', copy, '1.0');
  });

  test('wharf to distribution keeps digest', async () => {
    const { digest } = await resolveTag(layout, 'app');
    await skopeo('copy', '--dest-creds', ADMIN_CREDENTIALS, '--dest-tls-verify=false', `oci:${layout}:app`, `docker://${wharfHost}/library/to-distribution:1.0`);

    await skopeo(
      'copy',
      '--src-creds',
      ADMIN_CREDENTIALS,
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${wharfHost}/library/to-distribution:1.0`,
      `docker://${distribution.host}/team/from-wharf:1.0`,
    );
    assert.equal(await remoteDigest(`${distribution.host}/team/from-wharf:1.0`), digest);

    const copy = path.join(scratch, 'to-distribution');
    await skopeo('copy', '--src-tls-verify=false', `docker://${distribution.host}/team/from-wharf:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'app', copy, '1.0');
  });

  test('multi-arch index both ways', async () => {
    const { digest } = await resolveTag(layout, 'multi');
    await skopeo('copy', '--all', '--dest-creds', ADMIN_CREDENTIALS, '--dest-tls-verify=false', `oci:${layout}:multi`, `docker://${wharfHost}/library/multi:1.0`);

    await skopeo(
      'copy',
      '--all',
      '--src-creds',
      ADMIN_CREDENTIALS,
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${wharfHost}/library/multi:1.0`,
      `docker://${distribution.host}/team/multi:1.0`,
    );
    assert.equal(await remoteDigest(`${distribution.host}/team/multi:1.0`), digest);

    await skopeo(
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--dest-creds',
      ADMIN_CREDENTIALS,
      '--dest-tls-verify=false',
      `docker://${distribution.host}/team/multi:1.0`,
      `docker://${wharfHost}/library/multi-back:1.0`,
    );
    assert.equal(await remoteDigest(`${wharfHost}/library/multi-back:1.0`, '--creds', ADMIN_CREDENTIALS), digest);

    const copy = path.join(scratch, 'multi-back');
    await skopeo('copy', '--all', '--src-tls-verify=false', `docker://${wharfHost}/library/multi-back:1.0`, `oci:${copy}:1.0`);
    await assertSameImage(layout, 'multi', copy, '1.0');
  });
});
