import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from '../../api/db/client.ts';
import { applyMigrations, listMigrations } from '../../api/db/migrate.ts';
import { createTestDatabase, type TestDatabase, USE_PGLITE } from '../support/database.ts';

const run = promisify(execFile);

/**
 * Columns a hand-written migration sorts in byte order (COLLATE "C"), which
 * schema.prisma cannot express; checked separately below.
 */
const BYTE_ORDER_COLUMNS = new Set(['tags.name', 'repositories.name']);
const logger = pino({ level: 'silent' });

/** Tables, columns, indexes and constraints of the public schema, as comparable text. */
async function describeSchema(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(`
      SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'wharf_migrations'`);
    const indexes = await client.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'wharf_migrations'`);
    const constraints = await client.query(`
      SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'wharf_migrations'`);
    return [
      ...columns.rows.map(
        (row) =>
          `column ${row.table_name}.${row.column_name} ${row.data_type} null=${row.is_nullable} default=${row.column_default}` +
          ` collation=${BYTE_ORDER_COLUMNS.has(`${row.table_name}.${row.column_name}`) ? 'C (by hand)' : row.collation_name}`,
      ),
      ...indexes.rows.map((row) => `index ${row.indexdef}`),
      ...constraints.rows.map((row) => `constraint ${row.table_name}.${row.conname} ${row.definition}`),
    ].sort();
  } finally {
    await client.end();
  }
}

describe('database migrations', { skip: USE_PGLITE ? 'compares PostgreSQL catalogs; runs on the PostgreSQL pass' : false }, () => {
  const databases: TestDatabase[] = [];
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;

  before(async () => {
    migrated = await createTestDatabase();
    fromSchema = await createTestDatabase();
    databases.push(migrated, fromSchema);
  });
  after(async () => {
    for (const database of databases) await database.drop();
  });

  test('two instances migrate at once', async () => {
    const first = await openDatabase({ databaseUrl: migrated.url, dataDir: '/nonexistent' });
    const second = await openDatabase({ databaseUrl: migrated.url, dataDir: '/nonexistent' });
    try {
      const [a, b] = await Promise.all([applyMigrations(first, logger), applyMigrations(second, logger)]);
      const all = await listMigrations();
      assert.deepEqual([...a, ...b].sort(), all);
      assert.deepEqual(await applyMigrations(first, logger), []);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('migrations match schema.prisma', { timeout: 300_000 }, async () => {
    const { stdout } = await run(process.execPath, ['scripts/migration-diff.mjs', '--from-empty'], { maxBuffer: 16 * 1024 * 1024 });
    assert.match(stdout, /CREATE TABLE/);

    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(stdout);
    await client.end();

    assert.deepEqual(await describeSchema(migrated.url!), await describeSchema(fromSchema.url!));
  });

  test('names sort in byte order', async () => {
    const client = new pg.Client({ connectionString: migrated.url });
    await client.connect();
    const result = await client.query(`
      SELECT table_name || '.' || column_name AS name, collation_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name || '.' || column_name = ANY($1)`, [[...BYTE_ORDER_COLUMNS]]);
    await client.end();
    assert.equal(result.rows.length, BYTE_ORDER_COLUMNS.size);
    for (const row of result.rows) assert.equal(row.collation_name, 'C', `${row.name} is not in byte order`);
  });
});
