import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../api/db/client.ts';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase, USE_PGLITE } from '../support/database.ts';

/** Server sessions connected to the database at `url`. */
async function countSessions(admin: pg.Client, url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const { rows } = await admin.query<{ sessions: number }>('SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1', [name]);
  return rows[0]?.sessions ?? 0;
}

describe('database close', { skip: USE_PGLITE ? 'PGlite has no server sessions' : false }, () => {
  let database: TestDatabase & { url: string };
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });

  before(async () => {
    const created = await createTestDatabase();
    assert.ok(created.url);
    database = { ...created, url: created.url };
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await database.drop();
  });

  test('close waits for sessions to end', async () => {
    const db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    // Several queries at once, so the pool keeps several idle connections.
    await Promise.all(Array.from({ length: 6 }, () => db.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.01)`));
    assert.ok((await countSessions(admin, database.url)) >= 2);

    await db.close();
    // A session still open here is what a test's DROP DATABASE ... WITH (FORCE) terminates.
    assert.equal(await countSessions(admin, database.url), 0);
  });
});
