import { createHash, randomBytes } from 'node:crypto';
import type { AccessTokenService } from '../access-tokens/access-token-service.ts';
import { ROBOT_PREFIX, type RobotService } from '../robots/robot-service.ts';
import type { TokenService } from '../token/token-service.ts';
import { hashPassword, verifyPassword } from '../users/passwords.ts';
import type { SqlQuery } from '../db/client.ts';
import type { StoredCredentials, UserService } from '../users/user-service.ts';
import { ANONYMOUS, type Caller, InvalidCredentialsError, TooManyAttemptsError, type UserIdentity } from './caller.ts';
import type { LoginThrottle, ThrottleRow, ThrottleState } from './login-throttle.ts';
import { readPasswordSignIn } from './sign-in-read.ts';
import { VerifiedPasswords } from './verified-passwords.ts';
import { ACCESS_TOKEN_PREFIX } from './secrets.ts';

/**
 * Listener called after a failed sign-in, for the audit log. `kind` separates
 * robot names from user names. `locked` marks an attempt rejected without a
 * check of its secret because the user or address is locked.
 */
export type LoginFailureListener = (failure: { username: string; kind: 'user' | 'robot'; ip: string | undefined; reason: string; locked: boolean }) => void;

/**
 * Turns an Authorization header into a caller: HTTP Basic with a password, a
 * personal access token or a robot secret; Bearer with a registry token or a
 * personal access token. Argon2 is slow on purpose and registry clients send
 * Basic credentials on every request, so a verified password is remembered for
 * 30 seconds after its last use under a SHA-256 of the credentials and the stored hash.
 */
export class CallerResolver {
  readonly #verified = new VerifiedPasswords();
  #decoyHash: Promise<string> | undefined;
  onLoginFailure: LoginFailureListener = () => {};

  constructor(
    private readonly users: UserService,
    private readonly accessTokens: AccessTokenService,
    private readonly robots: RobotService,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly query: SqlQuery,
  ) {}

  async resolve(authorization: string | undefined, ip?: string): Promise<Caller> {
    if (!authorization) return ANONYMOUS;

    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'basic') return this.#resolveBasic(value, ip);
    if (scheme === 'bearer') return this.#resolveBearer(value);
    throw new InvalidCredentialsError(`unsupported authorization scheme "${scheme}"`);
  }

  /** Checks a user name and secret as a sign-in form or the token endpoint receives them. */
  async authenticate(username: string, secret: string, ip?: string): Promise<Caller> {
    // Some tools send empty Basic credentials when they have none.
    if (username === '' && secret === '') return ANONYMOUS;

    if (username.startsWith(ROBOT_PREFIX)) {
      await this.#checkThrottle(username, ip);
      const robot = await this.robots.authenticate(username, secret);
      if (!robot) return this.#fail(username, ip, 'invalid, disabled or expired robot credentials');
      return { kind: 'robot', robot, credential: 'robot-secret' };
    }

    if (secret.startsWith(ACCESS_TOKEN_PREFIX)) {
      const throttle = await this.#checkThrottle(username, ip);
      const user = await this.accessTokens.authenticate(username, secret);
      if (!user) return this.#fail(username, ip, 'invalid, revoked or expired access token');
      if (throttle.userCounted) await this.throttle.recordSuccess(username);
      return { kind: 'user', user, credential: 'access-token' };
    }

    // Registry clients send Basic credentials on every request, so one statement reads the account and the throttle.
    const { account, throttleRows } = await readPasswordSignIn(this.query, username, this.throttle.keys(username, ip));
    const throttle = await this.#checkThrottle(username, ip, throttleRows);
    const user = await this.#verifyPassword(account, secret);
    if (!user) return this.#fail(username, ip, 'invalid username or password');
    // Also on a cached success: failures between two cached sign-ins must not add up to a lock.
    if (throttle.userCounted) await this.throttle.recordSuccess(username);
    return { kind: 'user', user, credential: 'password' };
  }

  async #resolveBasic(value: string, ip: string | undefined): Promise<Caller> {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) throw new InvalidCredentialsError('malformed Basic credentials');
    return this.authenticate(decoded.slice(0, separator), decoded.slice(separator + 1), ip);
  }

  async #resolveBearer(token: string): Promise<Caller> {
    if (token.startsWith(ACCESS_TOKEN_PREFIX)) {
      const user = await this.accessTokens.authenticateBearer(token);
      if (!user) throw new InvalidCredentialsError('invalid, revoked or expired access token');
      return { kind: 'user', user, credential: 'access-token' };
    }

    const claims = await this.tokens.verify(token);
    const tokenAccess = claims.access;
    switch (claims.subject.kind) {
      case 'anonymous':
        return { kind: 'anonymous', credential: 'registry-token', tokenAccess };
      case 'user': {
        const user = await this.users.findActive(claims.subject.id);
        if (!user) throw new InvalidCredentialsError('the token belongs to a disabled or deleted user');
        return { kind: 'user', user, credential: 'registry-token', tokenAccess };
      }
      case 'robot': {
        const robot = await this.robots.findActive(claims.subject.id);
        if (!robot) throw new InvalidCredentialsError('the token belongs to a disabled, expired or deleted robot');
        return { kind: 'robot', robot, credential: 'registry-token', tokenAccess };
      }
    }
  }

  async #verifyPassword(account: StoredCredentials | null, password: string): Promise<UserIdentity | undefined> {
    if (!account || account.disabled) {
      // Spend the argon2 time a real account costs, so response times do not tell
      // which user names exist or are disabled.
      this.#decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(await this.#decoyHash, password);
      return undefined;
    }

    // The stored hash is part of the key, so a changed password or a disabled
    // account takes effect at once on every instance.
    const key = createHash('sha256').update(`${account.id}\0${account.passwordHash}\0${password}`).digest('hex');
    const identity: UserIdentity = { id: account.id, username: account.username, isAdmin: account.isAdmin };
    if (this.#verified.use(key, Date.now())) return identity;
    if (!(await verifyPassword(account.passwordHash, password))) return undefined;
    this.#verified.remember(key, Date.now());
    return identity;
  }

  /**
   * Checks the throttle (by address only for robots) and reports an attempt it
   * rejects as a failed sign-in. `rows` are throttle rows the caller read already.
   */
  async #checkThrottle(username: string, ip: string | undefined, rows?: ThrottleRow[]): Promise<ThrottleState> {
    const kind = username.startsWith(ROBOT_PREFIX) ? 'robot' : 'user';
    const counted = kind === 'robot' ? undefined : username;
    try {
      return rows ? this.throttle.evaluate(counted, rows) : await this.throttle.check(counted, ip);
    } catch (error) {
      if (error instanceof TooManyAttemptsError) {
        this.onLoginFailure({ username, kind, ip, reason: 'locked after repeated failures', locked: true });
      }
      throw error;
    }
  }

  async #fail(username: string, ip: string | undefined, reason: string): Promise<never> {
    const kind = username.startsWith(ROBOT_PREFIX) ? 'robot' : 'user';
    await this.throttle.recordFailure(kind === 'robot' ? undefined : username, ip);
    this.onLoginFailure({ username, kind, ip, reason, locked: false });
    throw new InvalidCredentialsError(reason);
  }
}
