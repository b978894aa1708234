/**
 * How long a verified password is trusted without hashing it again, in
 * milliseconds: 30 seconds after its last use, and at most 10 minutes after the
 * hash check. Renewing on use spares an active client a 19 ms argon2 check
 * every 30 seconds.
 */
export const VERIFIED_IDLE_MS = 30_000;
export const VERIFIED_MAX_AGE_MS = 10 * 60_000;

/** Entries kept before the memory is cleared, so that many distinct credentials cannot grow it without bound. */
const MAX_ENTRIES = 10_000;

/** A remembered password check: when it ran, and when it lapses unless used again. */
interface VerifiedEntry {
  verifiedAt: number;
  expiresAt: number;
}

/** Password checks that passed recently, by a key derived from the account, its stored hash and the password. */
export class VerifiedPasswords {
  readonly #entries = new Map<string, VerifiedEntry>();

  /** Returns whether the key passed a check that is still trusted at `now`, and renews its idle time if so. */
  use(key: string, now: number): boolean {
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= now) return false;
    entry.expiresAt = Math.min(now + VERIFIED_IDLE_MS, entry.verifiedAt + VERIFIED_MAX_AGE_MS);
    return true;
  }

  /** Records a check that passed at `now`. */
  remember(key: string, now: number): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { verifiedAt: now, expiresAt: now + VERIFIED_IDLE_MS });
  }
}
