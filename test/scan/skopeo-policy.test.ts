import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCommand as runWharfCommand } from '../../api/cli/commands/index.ts';
import { addLayerByRepack, initLayout, newImage, resolveTag } from '../clients/oci-layout.ts';
import { CommandError, runCommand, skipUnlessInstalled } from '../support/tools.ts';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { debianGlibc } from './support/advisories.ts';
import { readRealDpkgParagraphs } from './support/images.ts';
import { waitForScanJobs } from './support/push.ts';

const ADMIN_CREDENTIALS = `admin:${ADMIN_PASSWORD}`;

/** Runs skopeo expecting it to fail, and returns its stderr. */
async function skopeoFailure(...args: string[]): Promise<string> {
  try {
    await runCommand('skopeo', args);
  } catch (error) {
    if (error instanceof CommandError) return error.stderr;
    throw error;
  }
  assert.fail(`skopeo ${args.join(' ')} succeeded but was expected to fail`);
}

describe('pull policy with skopeo', { skip: skipUnlessInstalled('skopeo', 'umoci') }, () => {
  let wharf: TestWharf;
  let scratch: string;
  let host: string;

  before(async () => {
    wharf = await startTestWharf();
    host = new URL(wharf.url).host;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-scan-skopeo-'));
    await writeFile(path.join(scratch, 'glibc.json'), JSON.stringify(debianGlibc));
    await runWharfCommand(['vulndb', 'import', path.join(scratch, 'glibc.json')], wharf.services);
  });
  after(async () => {
    await wharf?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('umoci image is denied, then allowed', async (t) => {
    const paragraphs = readRealDpkgParagraphs(['libc6', 'bash']);
    if (!paragraphs?.has('libc6')) {
      t.skip('this machine has no dpkg status with libc6');
      return;
    }
    // This machine's libc6 paragraph, set back to a bookworm version before the fix.
    const status = [...paragraphs.values()].join('\n').replace(/(Package: libc6\n(?:.+\n)*?Version: ).*/, '$12.36-9+deb12u13');
    const layout = path.join(scratch, 'layout');
    await initLayout(layout);
    await newImage(layout, 'debian');
    await addLayerByRepack(layout, 'debian', { 'etc/os-release': readFileSync('/usr/lib/os-release'), 'var/lib/dpkg/status': status });
    const digest = (await resolveTag(layout, 'debian')).digest;
    const project = await wharf.services.projects.create('guarded', { public: false });
    await wharf.services.scan.settings.update(project.id, { scanOnPush: true, preventSeverity: 'Medium' });

    await runCommand('skopeo', ['copy', '--dest-creds', ADMIN_CREDENTIALS, '--dest-tls-verify=false', `oci:${layout}:debian`, `docker://${host}/guarded/debian:12`]);
    await waitForScanJobs(wharf, 'guarded/debian', digest);
    const source = ['--src-creds', ADMIN_CREDENTIALS, '--src-tls-verify=false', `docker://${host}/guarded/debian:12`];
    const denied = await skopeoFailure('copy', ...source, `oci:${path.join(scratch, 'denied')}:x`);
    await wharf.services.scan.settings.allow(project.id, ['CVE-2026-4438']);
    await runCommand('skopeo', ['copy', ...source, `oci:${path.join(scratch, 'allowed')}:x`]);
    const copied = await resolveTag(path.join(scratch, 'allowed'), 'x');

    assert.match(denied, /denied: pull of guarded\/debian@sha256:[0-9a-f]{64} denied/);
    assert.match(denied, /CVE-2026-4438 \(Medium\) in libc6 2\.36-9\+deb12u13, fixed in 2\.36-9\+deb12u14/);
    assert.equal(copied.digest, digest);
  });
});
