import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../config/index.ts';

/** Signature algorithms accepted on ID tokens: public-key ones only, never `none` or a shared secret. */
const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** An ID token is used right after the provider issues it, so an older one is rejected. */
const MAX_TOKEN_AGE = '10 minutes';

/** Clock difference tolerated between Wharf and the provider. */
const CLOCK_TOLERANCE = '30 seconds';

const DISCOVERY_TIMEOUT_MS = 10_000;

/** An ID token that failed a check: bad signature, wrong issuer or audience, expired, malformed. */
export class InvalidIdTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIdTokenError';
  }
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Checks ID tokens of one OpenID Connect provider. The provider's signing keys are
 * found through its discovery document, read on first use, and then cached and
 * refreshed by jose when a token names a key not yet seen.
 */
export class IdTokenVerifier {
  #keys: Promise<KeySet> | undefined;

  constructor(private readonly config: OidcConfig) {}

  /** Returns the token's claims, or raises InvalidIdTokenError. Discovery failures raise other errors. */
  async verify(idToken: string): Promise<JWTPayload> {
    const keys = await this.#keySet();
    try {
      const { payload } = await jwtVerify(idToken, keys, {
        issuer: this.config.issuer,
        audience: this.config.clientId,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: MAX_TOKEN_AGE,
        clockTolerance: CLOCK_TOLERANCE,
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new InvalidIdTokenError(`ID token rejected: ${error.code}`);
      throw error;
    }
  }

  #keySet(): Promise<KeySet> {
    // A failed discovery is not cached, so the next sign-in tries again.
    this.#keys ??= this.#discover().catch((error: unknown) => {
      this.#keys = undefined;
      throw error;
    });
    return this.#keys;
  }

  async #discover(): Promise<KeySet> {
    const url = `${this.config.issuer}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`OIDC discovery at ${url} failed with HTTP ${response.status}`);

    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery requires the document to name the issuer it was fetched for.
    if (document.issuer !== this.config.issuer) {
      throw new Error(`OIDC discovery at ${url} names issuer ${String(document.issuer)}, not ${this.config.issuer}`);
    }
    if (typeof document.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri));
  }
}
