import { createHash } from 'node:crypto';
import type { UserIdentity, UserService } from '../users/user-service.ts';

/** Who sent a request. */
export type Caller = { kind: 'anonymous' } | { kind: 'user'; user: UserIdentity };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

/** Raised for credentials that were sent but are wrong. */
export class InvalidCredentialsError extends Error {
  constructor() {
    super('invalid credentials');
    this.name = 'InvalidCredentialsError';
  }
}

/** How long a verified password is trusted without hashing it again, in milliseconds. */
const VERIFIED_TTL_MS = 30_000;

/**
 * Turns an Authorization header into a caller. Argon2 verification is slow on
 * purpose, and clients send Basic credentials on every registry request, so a
 * successful check is remembered briefly under a SHA-256 of the credentials.
 */
export class CallerResolver {
  readonly #verified = new Map<string, { user: UserIdentity; expires: number }>();

  constructor(private readonly users: UserService) {}

  async resolve(authorization: string | undefined): Promise<Caller> {
    if (!authorization) return ANONYMOUS;

    const [scheme, value = ''] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() !== 'basic') throw new InvalidCredentialsError();

    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) throw new InvalidCredentialsError();

    const username = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    // The conformance suite and some tools send empty Basic credentials when they have none.
    if (username === '' && password === '') return ANONYMOUS;

    const user = await this.#verify(username, password);
    if (!user) throw new InvalidCredentialsError();
    return { kind: 'user', user };
  }

  async #verify(username: string, password: string): Promise<UserIdentity | undefined> {
    const key = createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const cached = this.#verified.get(key);
    if (cached && cached.expires > Date.now()) return cached.user;

    const user = await this.users.authenticate(username, password);
    if (user) {
      if (this.#verified.size > 10_000) this.#verified.clear();
      this.#verified.set(key, { user, expires: Date.now() + VERIFIED_TTL_MS });
    }
    return user;
  }
}
