import type { Prisma } from '../db/client.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface UserIdentity {
  id: number;
  username: string;
  isAdmin: boolean;
}

/** Creates users and checks their passwords. */
export class UserService {
  constructor(private readonly prisma: Prisma) {}

  /** Creates `username` unless it exists; returns whether it was created. */
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

  /** Returns the user when the password matches and the account is enabled. */
  async authenticate(username: string, password: string): Promise<UserIdentity | undefined> {
    const user = await this.prisma.user.findUnique({ where: { username } });
    if (!user || user.disabled) return undefined;
    if (!(await verifyPassword(user.passwordHash, password))) return undefined;
    return { id: user.id, username: user.username, isAdmin: user.isAdmin };
  }
}
