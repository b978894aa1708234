// Times garbage collection over many unreferenced blobs: seeds blob rows and
// one small storage file each, then runs a real collection and reports the time
// and the rate. Uses the PostgreSQL server at WHARF_TEST_POSTGRES_URL (a new
// database per run) unless --pglite is given.
//
//   npx tsx test/bench/gc.ts [--blobs 100000] [--pglite]
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createServices } from '../../api/app/services.ts';
import { loadConfig } from '../../api/config/index.ts';
import { openDatabase } from '../../api/db/client.ts';
import { applyMigrations } from '../../api/db/migrate.ts';
import { FilesystemDriver } from '../../api/storage/filesystem-driver.ts';
import { blobKey } from '../../api/storage/paths.ts';
import { createTestDatabase } from '../support/database.ts';

const { values } = parseArgs({ options: { blobs: { type: 'string', default: '100000' }, pglite: { type: 'boolean', default: false } } });
const count = Number(values.blobs);
if (values.pglite) process.env.WHARF_TEST_DB = 'pglite';

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wharf-gc-bench-'));
const database = await createTestDatabase();
const logger = pino({ level: 'warn' });
const config = loadConfig({ WHARF_DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) });
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir });
const storage = new FilesystemDriver(path.join(dataDir, 'storage'));

try {
  await applyMigrations(db, logger);
  const services = createServices(config, db, storage, logger);

  console.log(`seeding ${count} unreferenced blobs (rows and files)...`);
  const seedStart = performance.now();
  const digests: string[] = [];
  for (let index = 0; index < count; index += 1) digests.push(`sha256:${randomBytes(32).toString('hex')}`);
  for (let start = 0; start < count; start += 5000) {
    const batch = digests.slice(start, start + 5000);
    await db.prisma.blob.createMany({ data: batch.map((digest) => ({ digest, size: 16n, createdAt: new Date(Date.now() - 86_400_000) })) });
    await Promise.all(
      batch.map(async (digest) => {
        const file = storage.localPath(blobKey(digest));
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, randomBytes(16));
      }),
    );
  }
  console.log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const dryStart = performance.now();
  const dry = await services.gc.run({ dryRun: true, deleteUntagged: false, graceSeconds: 0, trigger: 'cli' });
  const drySeconds = (performance.now() - dryStart) / 1000;

  const runStart = performance.now();
  const report = await services.gc.run({ dryRun: false, deleteUntagged: false, graceSeconds: 0, trigger: 'cli' });
  const runSeconds = (performance.now() - runStart) / 1000;

  console.log(`database: ${db.kind}`);
  console.log(`dry run: ${dry.candidates.length} candidates in ${drySeconds.toFixed(1)} s`);
  console.log(`collection: ${report.blobsDeleted} blobs deleted in ${runSeconds.toFixed(1)} s (${Math.round(report.blobsDeleted / runSeconds)} blobs/s)`);
} finally {
  await db.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
