import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { AccessPolicy } from '../access/authorize.ts';
import { type Caller, InvalidCredentialsError, type TokenAccess } from '../access/caller.ts';
import { REGISTRY_ACTION_PERMISSION, type RegistryAction } from '../access/permissions.ts';
import { isValidRepositoryName, projectOf } from '../registry/names.ts';
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.ts';

/** The `service` of Wharf's registry: the audience of every registry token. */
export const REGISTRY_SERVICE = 'wharf';
const ISSUER = 'wharf-token-service';

export type TokenSubject = { kind: 'anonymous' } | { kind: 'user'; id: number } | { kind: 'robot'; id: number };

export interface VerifiedToken {
  subject: TokenSubject;
  access: TokenAccess[];
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
  access: TokenAccess[];
}

function subjectOf(caller: Caller): { sub: string; subject: TokenSubject } {
  switch (caller.kind) {
    case 'anonymous':
      return { sub: '', subject: { kind: 'anonymous' } };
    case 'user':
      return { sub: caller.user.username, subject: { kind: 'user', id: caller.user.id } };
    case 'robot':
      return { sub: caller.robot.name, subject: { kind: 'robot', id: caller.robot.id } };
  }
}

/**
 * The Docker token service: issues ES256 JWTs granting the intersection of the
 * requested scopes and the caller's permissions, and verifies them. Registry
 * requests check the caller's permissions again, so a token stops working for
 * an action as soon as the role behind it is gone.
 */
export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    private readonly policy: AccessPolicy,
    private readonly lifetimeSeconds: number,
  ) {}

  /** Grants what the caller may do of what was requested; never fails for a partial grant. */
  async grant(caller: Caller, requested: TokenAccess[]): Promise<TokenAccess[]> {
    const granted: TokenAccess[] = [];
    for (const scope of requested) {
      if (scope.type === 'registry' && scope.name === 'catalog') {
        // The catalog lists only what the caller may read, so any caller may ask for it.
        granted.push({ type: 'registry', name: 'catalog', actions: ['*'] });
        continue;
      }
      if (scope.type !== 'repository' || !isValidRepositoryName(scope.name)) continue;

      const wanted = scope.actions.includes('*') ? (Object.keys(REGISTRY_ACTION_PERMISSION) as RegistryAction[]) : scope.actions;
      const permissions = await this.policy.permissions(caller, projectOf(scope.name));
      const actions = wanted.filter(
        (action): action is RegistryAction => action in REGISTRY_ACTION_PERMISSION && permissions.has(REGISTRY_ACTION_PERMISSION[action as RegistryAction]),
      );
      granted.push({ type: 'repository', name: scope.name, actions: [...new Set(actions)] });
    }
    return granted;
  }

  async issue(caller: Caller, requested: TokenAccess[]): Promise<IssuedToken> {
    const access = await this.grant(caller, requested);
    const { kid, privateKey } = this.keys.signingKey();
    const { sub, subject } = subjectOf(caller);
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const seconds = issuedAt.getTime() / 1000;

    const token = await new SignJWT({ access, wharf: subject })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(sub)
      .setAudience(REGISTRY_SERVICE)
      .setIssuedAt(seconds)
      .setNotBefore(seconds - 5)
      .setExpirationTime(seconds + this.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresIn: this.lifetimeSeconds, issuedAt, access };
  }

  /** Verifies signature, algorithm, issuer, audience and time; raises InvalidCredentialsError. */
  async verify(token: string): Promise<VerifiedToken> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      kid = header.kid;
      if (header.alg !== SIGNING_ALGORITHM) throw new Error(`algorithm ${String(header.alg)} is not accepted`);
    } catch {
      throw new InvalidCredentialsError('malformed or unsupported registry token');
    }

    const key = kid ? await this.keys.verificationKey(kid) : undefined;
    if (!key) throw new InvalidCredentialsError('registry token signed by an unknown key');

    try {
      const { payload } = await jwtVerify(token, key, { algorithms: [SIGNING_ALGORITHM], issuer: ISSUER, audience: REGISTRY_SERVICE });
      const subject = payload.wharf as TokenSubject | undefined;
      if (!subject || !['anonymous', 'user', 'robot'].includes(subject.kind)) throw new Error('token has no subject');
      return { subject, access: Array.isArray(payload.access) ? (payload.access as TokenAccess[]) : [] };
    } catch {
      throw new InvalidCredentialsError('invalid or expired registry token');
    }
  }
}
