import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../support/tools.ts';

/** A CNCF Distribution registry (Debian's docker-registry) started for one test or benchmark. */
export interface DistributionRegistry {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  /** host:port for image references. */
  host: string;
  pid: number;
  /** Folder that holds the configuration and the filesystem storage. */
  directory: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

/**
 * Starts docker-registry on a free loopback port with filesystem storage in a new
 * temporary folder and deletes enabled. Without authentication, as Distribution ships.
 */
export async function startDistribution(): Promise<DistributionRegistry> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'wharf-distribution-'));
  const port = await findFreePort();
  const configFile = path.join(directory, 'config.yml');
  await writeFile(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(directory, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );

  const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/v2/`);
      if (response.ok) return { url, host: `127.0.0.1:${port}`, pid: child.pid!, directory, stop };
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`docker-registry did not start on ${url} within ${STARTUP_TIMEOUT_MS} ms: ${stderr.trim()}`);
}
