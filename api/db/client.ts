import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';

export type Prisma = PrismaClient;

/** Runs plain SQL outside Prisma: migrations and advisory locks need a dedicated session. */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  release(): Promise<void>;
}

/**
 * Runs one SQL statement outside Prisma and returns its rows. BIGINT values are
 * strings from node-postgres and numbers from PGlite, so callers convert them.
 * Pass constant SQL text, because each distinct text becomes a prepared statement.
 */
export type SqlQuery = <Row>(sql: string, params: readonly unknown[]) => Promise<Row[]>;

/** An open metadata database: Prisma for queries, plus raw sessions for migrations. */
export interface Database {
  kind: 'postgres' | 'pglite';
  prisma: PrismaClient;
  /**
   * Statement runner for the reads every registry request makes (credentials,
   * access, repository and blob lookups, tag lists). Prisma spent about 0.2 ms
   * of CPU per query more than node-postgres alone (0.26 against 0.09 ms for SELECT 1).
   */
  query: SqlQuery;
  openSession(): Promise<SqlSession>;
  close(): Promise<void>;
}

/**
 * Prisma's default error format captures a stack trace on every query to point
 * at the caller in messages; 'minimal' skips that work, as Prisma does when
 * NODE_ENV is production. Clients never see these messages either way.
 */
const ERROR_FORMAT = 'minimal';

/**
 * Returns a function that resolves once every connection the pool opened has
 * closed. `pool.end()` resolves when it has asked its connections to close, and
 * a server session can outlive that for a moment: dropping the database then
 * (as tests do) ends it with "terminating connection due to administrator command".
 */
function trackConnections(pool: pg.Pool): () => Promise<void> {
  const open = new Set<pg.PoolClient>();
  let allClosed: (() => void) | undefined;
  pool.on('connect', (client) => open.add(client));
  pool.on('remove', (client) => {
    open.delete(client);
    if (open.size === 0) allClosed?.();
  });
  return () => (open.size === 0 ? Promise.resolve() : new Promise((resolve) => (allClosed = resolve)));
}

const statementNames = new Map<string, string>();

/**
 * Returns a name for the statement, so each connection parses and plans it once
 * and then only executes it (node-postgres prepares named statements per connection).
 * NOTE: PgBouncer in transaction mode before version 1.21 does not keep prepared
 * statements. Wharf has not been run behind it.
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `wharf_${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function openPostgres(url: string): Database {
  // Timestamp columns hold UTC, as Prisma writes them. A UTC session makes now()
  // and LOCALTIMESTAMP in SQL agree with that, whatever the server's time zone.
  // Idle connections stay open for a minute instead of node-postgres's 10 seconds,
  // because a new one costs a few milliseconds and prepares its statements again.
  const pool = new pg.Pool({ connectionString: url, max: 20, idleTimeoutMillis: 60_000, options: '-c TimeZone=UTC' });
  // The pool drops an idle connection that fails (a server restart, an ended
  // session) and opens another when needed. Prisma listens only until it
  // disconnects, and an 'error' event without a listener would end the process.
  pool.on('error', () => {});
  const closed = trackConnections(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: ERROR_FORMAT });

  return {
    kind: 'postgres',
    prisma,
    query: async <Row>(sql: string, params: readonly unknown[]) => {
      const result = await pool.query({ name: statementName(sql), text: sql, values: [...params] });
      return result.rows as Row[];
    },
    async openSession() {
      const client = await pool.connect();
      return {
        query: async (sql, params) => client.query(sql, params),
        release: async () => client.release(),
      };
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await closed();
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  // Loaded only here: the PGlite module alone adds about 40 MiB to a process on PostgreSQL.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  const directory = path.join(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const client = await PGlite.create(directory);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client), errorFormat: ERROR_FORMAT });

  return {
    kind: 'pglite',
    prisma,
    query: async <Row>(sql: string, params: readonly unknown[]) => (await client.query<Row>(sql, [...params])).rows,
    async openSession() {
      return {
        query: async (sql, params) => {
          if (params && params.length > 0) {
            const result = await client.query<Record<string, unknown>>(sql, params);
            return { rows: result.rows };
          }
          const results = await client.exec(sql);
          return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
        },
        release: async () => {},
      };
    },
    async close() {
      await prisma.$disconnect();
      await client.close();
    },
  };
}

/** Opens PostgreSQL when `databaseUrl` is set, else the embedded PGlite under `dataDir`. */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir);
}
