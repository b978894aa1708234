import { loadConfig } from './config/index.ts';
import { startWharf } from './app/instance.ts';
import { createLogger } from './logging/logger.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel);

try {
  const instance = await startWharf(config, logger);
  if (instance.generatedAdminPassword) {
    // Printed once on the console, never logged: it is the only copy.
    process.stderr.write(`\nWharf created user "admin" with password: ${instance.generatedAdminPassword}\n\n`);
  }

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    instance.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  logger.fatal({ err: error }, 'wharf failed to start');
  process.exit(1);
}
