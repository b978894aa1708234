import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startWharf, type WharfInstance } from '../../api/app/instance.ts';
import { loadConfig } from '../../api/config/index.ts';
import { createTestDatabase } from './database.ts';

export const ADMIN_PASSWORD = 'test-admin-password';

export interface TestWharf extends WharfInstance {
  dataDir: string;
  databaseUrl: string | undefined;
  /** Authorization header value for `admin`. */
  adminAuth: string;
  close(): Promise<void>;
}

export interface TestWharfOptions {
  /**
   * A running test Wharf whose database and data folder (so also its storage)
   * this instance shares, as instances behind a load balancer do. Closing the
   * new instance leaves both in place. Needs PostgreSQL: PGlite cannot be
   * opened by two instances.
   */
  shareWith?: TestWharf;
}

/**
 * Starts Wharf in this process on a free loopback port, with its own data folder
 * and database unless `options.shareWith` is set. Set WHARF_TEST_LOG=debug to
 * see its log.
 */
export async function startTestWharf(env: Record<string, string> = {}, options: TestWharfOptions = {}): Promise<TestWharf> {
  const shared = options.shareWith;
  if (shared && shared.databaseUrl === undefined) {
    throw new Error('a second Wharf cannot share an embedded PGlite database; run with PostgreSQL');
  }
  const dataDir = shared ? shared.dataDir : await mkdtemp(path.join(os.tmpdir(), 'wharf-test-'));
  const database = shared ? { url: shared.databaseUrl, drop: async () => {} } : await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    WHARF_HOST: '127.0.0.1',
    WHARF_DATA_DIR: dataDir,
    WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const logger = pino({ level: process.env.WHARF_TEST_LOG ?? 'silent' });
  const instance = await startWharf(config, logger);

  return {
    ...instance,
    dataDir,
    databaseUrl: database.url,
    adminAuth: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
    async close() {
      await instance.stop();
      if (shared) return;
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
