import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './tools.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A server bundle built for one test or benchmark run, as `npm start` builds dist/. */
export interface ServerBundle {
  /** Path of the entry file, to run with `node`. */
  main: string;
  remove(): Promise<void>;
}

/** Builds the server with scripts/build-server.mjs into a new folder under .bench/, which git ignores. */
export async function buildServerBundle(): Promise<ServerBundle> {
  const parent = path.join(ROOT, '.bench');
  await mkdir(parent, { recursive: true });
  const outdir = await mkdtemp(path.join(parent, 'server-'));
  await runCommand(process.execPath, [path.join(ROOT, 'scripts', 'build-server.mjs'), '--outdir', outdir], { timeoutMs: 120_000 });
  return { main: path.join(outdir, 'main.js'), remove: () => rm(outdir, { recursive: true, force: true }) };
}
