import { randomBytes } from 'node:crypto';
import type { Prisma, SqlQuery } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import type { UserIdentity } from '../access/caller.ts';
import { ACCESS_TOKEN_PREFIX } from '../access/secrets.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export type { UserIdentity } from '../access/caller.ts';

export interface UserRecord extends UserIdentity {
  email: string | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's sign-in data, including the password hash. Never return it to a client. */
export interface StoredCredentials extends UserIdentity {
  disabled: boolean;
  passwordHash: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Shortest password accepted for a new or changed password. */
export const MIN_PASSWORD_LENGTH = 8;

const RECORD_FIELDS = { id: true, username: true, email: true, isAdmin: true, disabled: true, createdAt: true, updatedAt: true } as const;

function validateUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new WharfError('INVALID_INPUT', `invalid username "${username}": use 1 to 63 lower-case letters, digits and . _ - starting with a letter or digit`);
  }
}

function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new WharfError('INVALID_INPUT', `password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  // Sign-in reads a secret with this prefix as an access token, so such a password could never be used.
  if (password.startsWith(ACCESS_TOKEN_PREFIX)) {
    throw new WharfError('INVALID_INPUT', `password must not start with "${ACCESS_TOKEN_PREFIX}", the prefix of access tokens`);
  }
}

/** Users: create, update, disable, delete, change password, check a password. */
export class UserService {
  constructor(
    private readonly prisma: Prisma,
    private readonly query: SqlQuery,
  ) {}

  /** Creates `username` unless it exists, and returns whether it was created. Used at first start. */
  async ensure(username: string, password: string, options: { isAdmin: boolean }): Promise<boolean> {
    const existing = await this.prisma.user.findUnique({ where: { username } });
    if (existing) return false;

    const passwordHash = await hashPassword(password);
    const result = await this.prisma.user.createMany({
      data: [{ username, passwordHash, isAdmin: options.isAdmin }],
      skipDuplicates: true,
    });
    return result.count === 1;
  }

  async create(input: { username: string; password: string; email?: string | null; isAdmin?: boolean }): Promise<UserRecord> {
    validateUsername(input.username);
    validatePassword(input.password);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.prisma.user.create({
        data: { username: input.username, passwordHash, email: input.email ?? null, isAdmin: input.isAdmin ?? false },
        select: RECORD_FIELDS,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw new WharfError('CONFLICT', `user "${input.username}" already exists`);
      throw error;
    }
  }

  /** Returns the user bound to an OpenID Connect issuer and subject, or null. */
  async findByOidcIdentity(issuer: string, subject: string): Promise<UserRecord | null> {
    const identity = await this.prisma.oidcIdentity.findUnique({
      where: { issuer_subject: { issuer, subject } },
      select: { user: { select: RECORD_FIELDS } },
    });
    return identity?.user ?? null;
  }

  /**
   * Creates an ordinary user bound to an OpenID Connect identity, in one
   * statement. Raises CONFLICT when the user name or the identity is taken.
   */
  async createForOidcIdentity(input: { username: string; email: string | null }, issuer: string, subject: string): Promise<UserRecord> {
    validateUsername(input.username);
    // The random password is never shown, so the account signs in only through its provider or an access token.
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    try {
      return await this.prisma.user.create({
        data: { username: input.username, passwordHash, email: input.email, oidcIdentities: { create: { issuer, subject } } },
        select: RECORD_FIELDS,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw new WharfError('CONFLICT', `user "${input.username}" already exists`);
      throw error;
    }
  }

  async update(id: number, changes: { email?: string | null; isAdmin?: boolean; disabled?: boolean }): Promise<UserRecord> {
    await this.get(id);
    return this.prisma.user.update({ where: { id }, data: changes, select: RECORD_FIELDS });
  }

  async changePassword(id: number, password: string): Promise<void> {
    validatePassword(password);
    await this.get(id);
    await this.prisma.user.update({ where: { id }, data: { passwordHash: await hashPassword(password) } });
  }

  async delete(id: number): Promise<void> {
    const user = await this.get(id);
    if (user.username === 'admin') throw new WharfError('INVALID_INPUT', 'user "admin" cannot be deleted; disable it instead');
    await this.prisma.user.delete({ where: { id } });
  }

  async get(id: number): Promise<UserRecord> {
    const user = await this.prisma.user.findUnique({ where: { id }, select: RECORD_FIELDS });
    if (!user) throw new WharfError('NOT_FOUND', `user ${id} not found`);
    return user;
  }

  async findByName(username: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { username }, select: RECORD_FIELDS });
  }

  async list(): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ orderBy: { username: 'asc' }, select: RECORD_FIELDS });
  }

  /** One page of users ordered by name, starting after the name `after` (keyset pagination). */
  async listPage(options: { after?: string; limit: number }): Promise<UserRecord[]> {
    return this.prisma.user.findMany({
      where: options.after !== undefined ? { username: { gt: options.after } } : {},
      orderBy: { username: 'asc' },
      take: options.limit,
      select: RECORD_FIELDS,
    });
  }

  async count(): Promise<number> {
    return this.prisma.user.count();
  }

  /** Finds the users with these ids, leaving out ids without a user. */
  async getMany(ids: readonly number[]): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ where: { id: { in: [...ids] } }, select: RECORD_FIELDS });
  }

  /** Returns the user when the password matches and the account is enabled. */
  async authenticate(username: string, password: string): Promise<UserIdentity | undefined> {
    const user = await this.prisma.user.findUnique({ where: { username } });
    if (!user || user.disabled) return undefined;
    if (!(await verifyPassword(user.passwordHash, password))) return undefined;
    return { id: user.id, username: user.username, isAdmin: user.isAdmin };
  }

  /** Returns the enabled user with this id, for callers identified by a token. */
  async findActive(id: number): Promise<UserIdentity | undefined> {
    const rows = await this.query<UserIdentity>('SELECT id, username, is_admin AS "isAdmin" FROM users WHERE id = $1 AND NOT disabled', [id]);
    return rows[0];
  }
}
