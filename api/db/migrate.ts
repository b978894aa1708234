import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { PROJECT_ROOT } from '../project-root.ts';
import type { Database } from './client.ts';

const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

/** Arbitrary constant that names Wharf's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 0x77686172;

/** Lists migration folder names in the order they apply (their names sort by number). */
export async function listMigrations(directory = MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/**
 * Applies every migration not yet recorded in `wharf_migrations`, one transaction
 * each. A session-level advisory lock serialises instances that start together:
 * the second waits, then finds nothing left to apply.
 */
export async function applyMigrations(db: Database, logger: Logger, directory = MIGRATIONS_DIR): Promise<string[]> {
  const session = await db.openSession();
  const applied: string[] = [];

  try {
    await session.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    await session.query(
      'CREATE TABLE IF NOT EXISTS wharf_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const done = await session.query('SELECT name FROM wharf_migrations');
    const doneNames = new Set(done.rows.map((row) => String(row.name)));

    for (const name of await listMigrations(directory)) {
      if (doneNames.has(name)) continue;

      const sql = await readFile(path.join(directory, name, 'migration.sql'), 'utf8');
      await session.query('BEGIN');
      try {
        await session.query(sql);
        await session.query('INSERT INTO wharf_migrations (name) VALUES ($1)', [name]);
        await session.query('COMMIT');
      } catch (error) {
        await session.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      logger.info({ migration: name }, 'applied database migration');
      applied.push(name);
    }
  } finally {
    await session.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => {});
    await session.release();
  }
  return applied;
}
