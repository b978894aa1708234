import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startDistribution } from '../clients/distribution.ts';
import { createPostgresDatabase } from '../support/database.ts';
import { buildServerBundle } from '../support/server-bundle.ts';
import { findFreePort } from '../support/tools.ts';

/** Where Wharf keeps its metadata during a run. */
export type BenchDatabase = 'postgres' | 'pglite';

/** One registry under test, reached over HTTP on 127.0.0.1. */
export interface BenchRegistry {
  label: string;
  url: string;
  host: string;
  /** Process whose memory is sampled. */
  pid: number;
  /** Authorization header for pushes, if the registry needs one. */
  authorization?: string;
  /** skopeo flags that carry the same credentials. */
  skopeoCredentials: (direction: 'src' | 'dest') => string[];
  stop(): Promise<void>;
}

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN_PASSWORD = 'bench-admin-password';
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * Starts Wharf as a child process on a free loopback port with a fresh data
 * folder, from a server bundle built as `npm start` builds dist/. On 'postgres'
 * it gets a new database on the server at WHARF_TEST_POSTGRES_URL (default
 * postgres@127.0.0.1:5432), which `stop` drops. On 'pglite' it uses the
 * embedded database in its data folder.
 */
export async function startWharfProcess(database: BenchDatabase): Promise<BenchRegistry> {
  const bundle = await buildServerBundle();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wharf-bench-'));
  const postgres = database === 'postgres' ? await createPostgresDatabase('wharf_bench') : undefined;
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres?.url,
    PORT: String(port),
    WHARF_HOST: '127.0.0.1',
    WHARF_DATA_DIR: dataDir,
    WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'warn',
  };
  // For example `--cpu-prof --cpu-prof-dir=DIR` to profile Wharf during a run.
  const nodeOptions = process.env.WHARF_BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeOptions, bundle.main], {
    cwd: REPOSITORY_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) console.error(`Wharf exited during the run with code ${code} and signal ${signal}`);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await postgres?.drop();
    await rm(dataDir, { recursive: true, force: true });
    await bundle.remove();
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) {
        return {
          label: 'Wharf',
          url,
          host: `127.0.0.1:${port}`,
          pid: child.pid!,
          authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
          skopeoCredentials: (direction) => [`--${direction}-creds`, `admin:${ADMIN_PASSWORD}`],
          stop,
        };
      }
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`Wharf did not become ready on ${url} within ${STARTUP_TIMEOUT_MS} ms; see its log above`);
}

/** Starts docker-registry (CNCF Distribution) with filesystem storage in a temporary folder. */
export async function startDistributionProcess(): Promise<BenchRegistry> {
  const registry = await startDistribution();
  return {
    label: 'docker-registry',
    url: registry.url,
    host: registry.host,
    pid: registry.pid,
    skopeoCredentials: () => [],
    stop: registry.stop,
  };
}
