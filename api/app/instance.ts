import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { registerCliRoute } from '../cli/cli-route.ts';
import { removeServerFile, writeServerFile } from '../cli/server-file.ts';
import { buildServer } from '../http/server.ts';
import { openStorage } from '../storage/index.ts';
import { bootstrapData } from './bootstrap.ts';
import { startSchedules } from './schedules.ts';
import { createServices, type Services } from './services.ts';

/** A running Wharf: its services, HTTP server and background timers. */
export interface WharfInstance {
  services: Services;
  app: FastifyInstance;
  /** Address the server listens on, e.g. http://127.0.0.1:5000. */
  url: string;
  generatedAdminPassword?: string;
  stop(): Promise<void>;
}

/** How often stale upload sessions are looked for, in milliseconds. */
const UPLOAD_EXPIRY_INTERVAL_MS = 10 * 60 * 1000;

/** Opens the database and storage, migrates, bootstraps and starts listening. */
export async function startWharf(config: Config, logger: Logger): Promise<WharfInstance> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const storage = await openStorage(config.storageUrl);
  const services = createServices(config, db, storage, logger);
  const readiness = { ready: false };
  const app = await buildServer(services, readiness);
  let cliToken: string | undefined;
  await registerCliRoute(app, services, () => cliToken);

  let timer: NodeJS.Timeout | undefined;
  let stopSchedules = () => {};
  try {
    await applyMigrations(db, logger);
    await services.signingKeys.load();
    const { generatedAdminPassword } = await bootstrapData(services);
    readiness.ready = true;

    timer = setInterval(() => {
      services.uploads.expire(config.uploadTtlSeconds).catch((error: unknown) => logger.error({ err: error }, 'upload expiry failed'));
    }, UPLOAD_EXPIRY_INTERVAL_MS);
    timer.unref();
    stopSchedules = startSchedules(services, logger);
    services.scan.worker.start();

    const listening = (await app.listen({ port: config.port, host: config.host })).replace('0.0.0.0', '127.0.0.1');
    if (!config.externalUrlConfigured) config.externalUrl = listening.replace('127.0.0.1', 'localhost');
    if (db.kind === 'pglite') cliToken = (await writeServerFile(config.dataDir, listening)).token;
    logger.info({ url: listening, database: db.kind, storage: storage.name }, 'wharf started');

    return {
      services,
      app,
      url: listening,
      ...(generatedAdminPassword ? { generatedAdminPassword } : {}),
      async stop() {
        clearInterval(timer);
        stopSchedules();
        await services.scan.worker.stop();
        await app.close();
        await services.audit.flush();
        if (cliToken) await removeServerFile(config.dataDir);
        await db.close();
      },
    };
  } catch (error) {
    clearInterval(timer);
    stopSchedules();
    await services.scan.worker.stop();
    await app.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}
