import type { Logger } from 'pino';
import type { AccessTokenRecord, AccessTokenService } from '../access-tokens/access-token-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { OidcConfig } from '../config/index.ts';
import { WharfError } from '../errors/catalog.ts';
import type { UserRecord, UserService } from '../users/user-service.ts';
import { IdTokenVerifier, InvalidIdTokenError } from './id-token-verifier.ts';

/** Lifetime of the access token a sign-in returns; the portal's session lasts as long. */
export const OIDC_SESSION_SECONDS = 12 * 60 * 60;

/** A successful sign-in: the user and an access token, whose secret is shown once. */
export interface OidcSession {
  user: UserRecord;
  token: AccessTokenRecord;
  secret: string;
}

/** The sign-in's claims that Wharf uses. */
interface Identity {
  username: string;
  email: string | null;
  subject: string;
}

const REJECTED = 'the identity provider sign-in was rejected';

/**
 * Turns an OpenID Connect ID token into a Wharf session. It checks the token,
 * finds the user bound to its issuer and subject or creates an ordinary one
 * named by `preferred_username` (as Harbor onboards OIDC users), and creates a
 * short-lived access token.
 */
export class OidcSignIn {
  readonly #verifier: IdTokenVerifier;

  constructor(
    private readonly config: OidcConfig,
    private readonly users: UserService,
    private readonly accessTokens: AccessTokenService,
    private readonly audit: AuditService,
    private readonly logger: Logger,
  ) {
    this.#verifier = new IdTokenVerifier(config);
  }

  /** Opens a session for the ID token's user. Raises UNAUTHORIZED when the token or the user is rejected. */
  async open(idToken: string, clientIp: string): Promise<OidcSession> {
    const identity = await this.#identify(idToken);
    const { user, created } = await this.#findOrCreateUser(identity);
    const event = { actor: user.username, actorKind: 'user', clientIp, resource: `user:${user.username}` };
    const detail = { method: 'oidc', issuer: this.config.issuer, subject: identity.subject };

    if (user.disabled) {
      await this.audit.record({ ...event, action: 'login', outcome: 'failure', detail: { ...detail, reason: 'disabled' } });
      throw new WharfError('UNAUTHORIZED', REJECTED);
    }
    if (created) {
      await this.audit.record({ ...event, action: 'user.create', detail: { ...detail, isAdmin: false } });
    }

    const expiresAt = new Date(Date.now() + OIDC_SESSION_SECONDS * 1000);
    const { token, secret } = await this.accessTokens.create(user.id, `portal session ${new Date().toISOString()}`, expiresAt);
    await this.audit.record({ ...event, action: 'login', outcome: 'success', detail: { ...detail, tokenId: token.id } });
    return { user, token, secret };
  }

  async #identify(idToken: string): Promise<Identity> {
    let claims;
    try {
      claims = await this.#verifier.verify(idToken);
    } catch (error) {
      if (!(error instanceof InvalidIdTokenError)) throw error;
      // The client only learns that sign-in failed, so the reason goes to the log for the operator.
      this.logger.info({ reason: error.message, issuer: this.config.issuer }, 'OIDC ID token rejected');
      throw new WharfError('UNAUTHORIZED', REJECTED);
    }

    const username = claims.preferred_username;
    if (typeof username !== 'string' || username === '') {
      this.logger.info({ subject: claims.sub, issuer: this.config.issuer }, 'OIDC ID token has no preferred_username');
      throw new WharfError('UNAUTHORIZED', `${REJECTED}: the ID token has no preferred_username`);
    }
    return { username, email: typeof claims.email === 'string' ? claims.email : null, subject: claims.sub! };
  }

  /**
   * Finds the user bound to the token's issuer and subject, or creates an
   * ordinary one named by `preferred_username` and binds it. A name already
   * used by an account without this identity is rejected, so the provider can
   * never select a local account such as `admin`.
   */
  async #findOrCreateUser(identity: Identity): Promise<{ user: UserRecord; created: boolean }> {
    const { issuer } = this.config;
    const bound = await this.users.findByOidcIdentity(issuer, identity.subject);
    if (bound) return { user: bound, created: false };

    try {
      const user = await this.users.createForOidcIdentity({ username: identity.username, email: identity.email }, issuer, identity.subject);
      return { user, created: true };
    } catch (error) {
      if (error instanceof WharfError && error.code === 'INVALID_INPUT') {
        this.logger.info({ username: identity.username, subject: identity.subject }, 'OIDC user name is not a valid Wharf user name');
        throw new WharfError('UNAUTHORIZED', `${REJECTED}: "${identity.username}" is not a valid Wharf user name`);
      }
      if (!(error instanceof WharfError && error.code === 'CONFLICT')) throw error;

      // A parallel first sign-in of the same identity created it first.
      const raced = await this.users.findByOidcIdentity(issuer, identity.subject);
      if (raced) return { user: raced, created: false };
      this.logger.info({ username: identity.username, subject: identity.subject }, 'OIDC user name belongs to another account');
      throw new WharfError('UNAUTHORIZED', `${REJECTED}: the user name "${identity.username}" belongs to another Wharf account`);
    }
  }

}
