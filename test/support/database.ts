import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server used for test databases; each test file gets a database of its own on it. */
export const TEST_POSTGRES_URL = process.env.WHARF_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** True when the suite runs on embedded PGlite instead of PostgreSQL. */
export const USE_PGLITE = process.env.WHARF_TEST_DB === 'pglite';

export interface TestDatabase {
  /** Connection string, or undefined for PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates an empty PostgreSQL database for one test file, or selects PGlite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (USE_PGLITE) return { url: undefined, drop: async () => {} };
  return createPostgresDatabase('wharf_test');
}

/**
 * Creates an empty database named `prefix` plus a unique suffix on the server at
 * TEST_POSTGRES_URL. `drop` removes it, ending any session still connected.
 */
export async function createPostgresDatabase(prefix: string): Promise<TestDatabase & { url: string }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  return {
    url: withDatabase(TEST_POSTGRES_URL, name),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
