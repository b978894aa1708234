import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createTestDatabase } from '../support/database.ts';
import { buildServerBundle } from '../support/server-bundle.ts';
import { findFreePort } from '../support/tools.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Runs the bundle that `npm start` builds, so this test also checks that the bundle
// finds its migrations and loads the GraphQL chunk on first use.
test('bundled server serves and stops on SIGTERM', async () => {
  const bundle = await buildServerBundle();
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wharf-shutdown-'));
  const port = await findFreePort();
  const child = spawn(process.execPath, [bundle.main], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      PORT: String(port),
      WHARF_HOST: '127.0.0.1',
      WHARF_DATA_DIR: dataDir,
      WHARF_ADMIN_PASSWORD: 'shutdown-test-password',
      WHARF_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  try {
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 300; attempt++) {
      const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
      if (ready) break;
      await sleep(200);
    }
    const ping = await fetch(`${url}/v2/`, { headers: { authorization: `Basic ${Buffer.from('admin:shutdown-test-password').toString('base64')}` } });
    assert.equal(ping.status, 200, output);

    // The first GraphQL request starts Apollo, which registers its own signal handlers unless configured not to.
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(response.status, 200, output);
    assert.deepEqual(await response.json(), { data: { __typename: 'Query' } });

    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null, output);
    assert.equal(code, 0, output);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    await bundle.remove();
  }
});
