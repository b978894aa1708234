// Builds the portal with `next build` into web/.next. With --if-stale it builds only
// when the build is missing or older than a source file under web/ or the lock file.
// `npm start` (through prestart) and the browser tests call it that way, so a fresh
// clone builds on first use and a current build costs one folder walk.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.dirname(webDir);
const buildIdFile = path.join(webDir, '.next', 'BUILD_ID');
const buildLock = path.join(webDir, '.next-build.lock');
const IGNORED = new Set(['.next', '.next-build.lock', 'node_modules', 'next-env.d.ts']);

/** How long to wait for a build that another process is running. */
const MAX_WAIT_SECONDS = 900;

function newestSourceTime(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (IGNORED.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
    const full = path.join(directory, entry.name);
    const time = entry.isDirectory() ? newestSourceTime(full) : statSync(full).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

function buildTime() {
  try {
    return statSync(buildIdFile).mtimeMs;
  } catch {
    return undefined;
  }
}

function isStale() {
  const built = buildTime();
  if (built === undefined) return true;
  const lockTime = statSync(path.join(rootDir, 'package-lock.json')).mtimeMs;
  return Math.max(newestSourceTime(webDir), lockTime) > built;
}

function runNextBuild() {
  const nextBin = path.join(rootDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [nextBin, 'build', webDir], {
    cwd: rootDir,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && !isStale()) process.exit(0);

// next build exits at once while another build has web/.next locked, so two processes
// that need the portal (a test run and `npm start`, say) take turns here. The
// lock goes stale 30 s after its holder dies, so a killed build blocks no one.
const release = await lockfile.lock(webDir, {
  lockfilePath: buildLock,
  stale: 30_000,
  retries: { retries: MAX_WAIT_SECONDS, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
});
let exitCode = 0;
try {
  if (ifStale && !isStale()) {
    console.error('The portal was built by another process while this one waited.');
  } else {
    console.error('Building the portal (next build web)…');
    const started = Date.now();
    const result = await runNextBuild();
    if (result === 0) {
      console.error(`Portal built in ${Math.round((Date.now() - started) / 1000)} s.`);
    } else {
      console.error(`next build failed with exit status ${result}`);
      exitCode = 1;
    }
  }
} finally {
  await release();
}
process.exit(exitCode);
