import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import { ACCESS_TOKEN_PREFIX, generateSecret, hashSecret } from '../access/secrets.ts';
import type { UserIdentity } from '../access/caller.ts';

export interface AccessTokenRecord {
  id: number;
  userId: number;
  name: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

const RECORD_FIELDS = { id: true, userId: true, name: true, expiresAt: true, revokedAt: true, lastUsedAt: true, createdAt: true } as const;

/** Personal access tokens: secrets that work wherever the user's password works. */
export class AccessTokenService {
  constructor(private readonly prisma: Prisma) {}

  /** Creates a token; the secret is returned here only, the database keeps its hash. */
  async create(userId: number, name: string, expiresAt: Date | null): Promise<{ token: AccessTokenRecord; secret: string }> {
    if (name.trim() === '' || name.length > 100) throw new WharfError('INVALID_INPUT', 'token name must have 1 to 100 characters');
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new WharfError('INVALID_INPUT', 'token expiry must be in the future');

    const secret = generateSecret(ACCESS_TOKEN_PREFIX);
    const token = await this.prisma.accessToken.create({
      data: { userId, name, expiresAt, secretHash: hashSecret(secret) },
      select: RECORD_FIELDS,
    });
    return { token, secret };
  }

  async revoke(id: number): Promise<AccessTokenRecord> {
    const token = await this.prisma.accessToken.findUnique({ where: { id }, select: RECORD_FIELDS });
    if (!token) throw new WharfError('NOT_FOUND', `access token ${id} not found`);
    return this.prisma.accessToken.update({ where: { id }, data: { revokedAt: token.revokedAt ?? new Date() }, select: RECORD_FIELDS });
  }

  async find(id: number): Promise<AccessTokenRecord | null> {
    return this.prisma.accessToken.findUnique({ where: { id }, select: RECORD_FIELDS });
  }

  async listForUser(userId: number): Promise<AccessTokenRecord[]> {
    return this.prisma.accessToken.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: RECORD_FIELDS });
  }

  /**
   * Returns the token's user when `secret` is a live token of `username` (not
   * revoked, not expired, user enabled).
   */
  async authenticate(username: string, secret: string): Promise<UserIdentity | undefined> {
    const user = await this.authenticateBearer(secret);
    return user?.username === username ? user : undefined;
  }

  /** Returns the token's user when `secret` is a live token of anyone. */
  async authenticateBearer(secret: string): Promise<UserIdentity | undefined> {
    if (!secret.startsWith(ACCESS_TOKEN_PREFIX)) return undefined;
    const row = await this.prisma.accessToken.findUnique({
      where: { secretHash: hashSecret(secret) },
      select: { id: true, expiresAt: true, revokedAt: true, user: { select: { id: true, username: true, isAdmin: true, disabled: true } } },
    });
    if (!row || row.revokedAt || row.user.disabled) return undefined;
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;

    await this.prisma.accessToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
    return { id: row.user.id, username: row.user.username, isAdmin: row.user.isAdmin };
  }
}
