import type { Prisma, SqlQuery } from '../db/client.ts';
import { TooManyAttemptsError } from './caller.ts';

/** Failed sign-ins allowed per window before the key is locked. */
const LIMITS = { user: 10, ip: 50 } as const;
const WINDOW_MS = 5 * 60 * 1000;
const LOCK_MS = 5 * 60 * 1000;

/** Result of `check` when neither the user nor the address is locked. */
export interface ThrottleState {
  /** The user has failures counted (or a lock that ran out) for `recordSuccess` to clear. */
  userCounted: boolean;
}

/** A throttle row as `evaluate` reads it: its key and the seconds its lock has left, if any. */
export interface ThrottleRow {
  key: string;
  lockedSeconds: number | null;
}

/**
 * Selects the rows for `evaluate` from login_throttles. The lock's remaining
 * time is computed with the database clock, as recordFailure sets it.
 */
export const THROTTLE_ROWS_SQL = `SELECT key, EXTRACT(EPOCH FROM locked_until - LOCALTIMESTAMP)::float8 AS "lockedSeconds" FROM login_throttles`;

/**
 * Counts failed sign-ins per user name and per client address in PostgreSQL, so
 * every instance sees the same counts, and locks a key that fails too often.
 * Robot sign-ins count per address only: a robot secret cannot be guessed, and
 * a lock per robot name would let anyone stop a robot by failing in its name.
 */
export class LoginThrottle {
  constructor(
    private readonly prisma: Prisma,
    private readonly query: SqlQuery,
  ) {}

  /**
   * Raises TooManyAttemptsError while the user (when given) or the address is
   * locked. Otherwise returns whether the user has a row that a successful
   * sign-in should clear, so the common case (no failures) costs this one query.
   */
  async check(username: string | undefined, ip: string | undefined): Promise<ThrottleState> {
    const keys = this.keys(username, ip);
    if (keys.length === 0) return { userCounted: false };
    const rows = await this.query<ThrottleRow>(`${THROTTLE_ROWS_SQL} WHERE key = ANY($1::text[])`, [keys]);
    return this.evaluate(username, rows);
  }

  /** Returns the row keys that count failures of this user name (when given) and address. */
  keys(username: string | undefined, ip: string | undefined): string[] {
    return this.#keys(username, ip).map((entry) => entry.key);
  }

  /** Raises TooManyAttemptsError when one of the rows is locked, as `check` does with the rows it reads. */
  evaluate(username: string | undefined, rows: readonly ThrottleRow[]): ThrottleState {
    const lockedSeconds = Math.max(0, ...rows.map((row) => row.lockedSeconds ?? 0));
    if (lockedSeconds > 0) throw new TooManyAttemptsError(Math.ceil(lockedSeconds));
    return { userCounted: rows.some((row) => row.key === `user:${username}`) };
  }

  async recordFailure(username: string | undefined, ip: string | undefined): Promise<void> {
    for (const { key, limit } of this.#keys(username, ip)) {
      // One statement per key: concurrent failures on other instances add up instead of overwriting.
      await this.prisma.$executeRaw`
        INSERT INTO login_throttles (key, failures, window_start)
        VALUES (${key}, 1, now())
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN login_throttles.window_start < now() - make_interval(secs => ${WINDOW_MS / 1000})
                          THEN 1 ELSE login_throttles.failures + 1 END,
          window_start = CASE WHEN login_throttles.window_start < now() - make_interval(secs => ${WINDOW_MS / 1000})
                              THEN now() ELSE login_throttles.window_start END,
          locked_until = CASE WHEN login_throttles.window_start >= now() - make_interval(secs => ${WINDOW_MS / 1000})
                               AND login_throttles.failures + 1 >= ${limit}
                              THEN now() + make_interval(secs => ${LOCK_MS / 1000}) ELSE login_throttles.locked_until END`;
    }
  }

  /**
   * Clears the user's count after a successful sign-in, unless a lock is still in
   * force; a lock that has run out is cleared too. The address keeps its count.
   */
  async recordSuccess(username: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({
      where: { key: `user:${username}`, OR: [{ lockedUntil: null }, { lockedUntil: { lte: new Date() } }] },
    });
  }

  /**
   * Deletes the rows whose window has passed and whose lock, if any, has ended,
   * and returns how many it deleted. The next failure for such a key starts a
   * new window anyway, so pruning changes no outcome. It keeps the table from
   * growing with every name and address that ever failed.
   */
  async prune(): Promise<number> {
    // The database clock, as recordFailure uses it, so the instances' clocks do not matter.
    return this.prisma.$executeRaw`
      DELETE FROM login_throttles
      WHERE window_start < now() - make_interval(secs => ${WINDOW_MS / 1000})
        AND (locked_until IS NULL OR locked_until <= now())`;
  }

  #keys(username: string | undefined, ip: string | undefined): { key: string; limit: number }[] {
    const keys: { key: string; limit: number }[] = [];
    if (username !== undefined) keys.push({ key: `user:${username}`, limit: LIMITS.user });
    if (ip) keys.push({ key: `ip:${ip}`, limit: LIMITS.ip });
    return keys;
  }
}
