import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.ts';

export type Prisma = PrismaClient;

/** Runs plain SQL outside Prisma: migrations and advisory locks need a dedicated session. */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  release(): Promise<void>;
}

/** An open metadata database: Prisma for queries, plus raw sessions for migrations. */
export interface Database {
  kind: 'postgres' | 'pglite';
  prisma: PrismaClient;
  openSession(): Promise<SqlSession>;
  close(): Promise<void>;
}

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

  return {
    kind: 'postgres',
    prisma,
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
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const directory = path.join(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const client = await PGlite.create(directory);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });

  return {
    kind: 'pglite',
    prisma,
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
