import type { Logger } from 'pino';
import { DEFAULT_GC_GRACE_SECONDS } from '../gc/gc-service.ts';
import type { Services } from './services.ts';

/** How often each instance checks whether a scheduled job is due, in milliseconds. */
const CHECK_INTERVAL_MS = 5 * 60 * 1000;

/**
 * Runs garbage collection and tag retention on their intervals. Every instance
 * checks; a job runs only when no run (from any instance) started within its
 * interval, and garbage collection refuses to start while another one runs.
 * Each check also prunes sign-in failure counts whose window has passed.
 * Returns a function that stops the timer.
 */
export function startSchedules(services: Services, logger: Logger): () => void {
  const { gcIntervalSeconds, retentionIntervalSeconds } = services.config;
  let lastRetention = 0;

  const tick = async () => {
    if (gcIntervalSeconds > 0 && !(await services.gc.ranWithin(gcIntervalSeconds))) {
      await services.gc.run({ dryRun: false, deleteUntagged: false, graceSeconds: DEFAULT_GC_GRACE_SECONDS, trigger: 'schedule' });
    }
    // NOTE: retention runs are not recorded in the database, so with several
    // instances each applies the rules once per interval; the rules give the
    // same result, so repeated runs only cost time.
    if (retentionIntervalSeconds > 0 && Date.now() - lastRetention >= retentionIntervalSeconds * 1000) {
      lastRetention = Date.now();
      const projects = await services.db.prisma.project.findMany({ where: { retention: { some: {} } }, select: { name: true } });
      for (const project of projects) await services.retention.run(project.name, false);
    }
  };

  const timer = setInterval(() => {
    tick().catch((error: unknown) => logger.error({ err: error }, 'scheduled storage job failed'));
    // Every instance prunes; deleting rows another instance already deleted costs nothing.
    services.loginThrottle.prune().catch((error: unknown) => logger.error({ err: error }, 'pruning sign-in failure counts failed'));
  }, CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
