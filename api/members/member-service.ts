import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import { isProjectRole, PROJECT_ROLES, type ProjectRole } from '../access/permissions.ts';

export interface MemberRecord {
  projectId: number;
  userId: number;
  username: string;
  role: ProjectRole;
  createdAt: Date;
}

function checkRole(role: string): ProjectRole {
  if (!isProjectRole(role)) throw new WharfError('INVALID_INPUT', `unknown role "${role}"; use one of ${PROJECT_ROLES.join(', ')}`);
  return role;
}

/** Project members and their roles. */
export class MemberService {
  constructor(private readonly prisma: Prisma) {}

  async list(projectId: number): Promise<MemberRecord[]> {
    const rows = await this.prisma.projectMember.findMany({
      where: { projectId },
      include: { user: { select: { username: true } } },
      orderBy: { user: { username: 'asc' } },
    });
    return rows.map((row) => ({ projectId: row.projectId, userId: row.userId, username: row.user.username, role: row.role as ProjectRole, createdAt: row.createdAt }));
  }

  /** Members of each of these projects, ordered by user name. */
  async listForProjects(projectIds: readonly number[]): Promise<MemberRecord[]> {
    const rows = await this.prisma.projectMember.findMany({
      where: { projectId: { in: [...projectIds] } },
      include: { user: { select: { username: true } } },
      orderBy: { user: { username: 'asc' } },
    });
    return rows.map((row) => ({ projectId: row.projectId, userId: row.userId, username: row.user.username, role: row.role as ProjectRole, createdAt: row.createdAt }));
  }

  async add(projectId: number, userId: number, role: string): Promise<MemberRecord> {
    const checked = checkRole(role);
    try {
      await this.prisma.projectMember.create({ data: { projectId, userId, role: checked } });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw new WharfError('CONFLICT', 'the user is already a member of this project');
      if ((error as { code?: string }).code === 'P2003') throw new WharfError('NOT_FOUND', 'project or user not found');
      throw error;
    }
    return this.get(projectId, userId);
  }

  async update(projectId: number, userId: number, role: string): Promise<MemberRecord> {
    const checked = checkRole(role);
    const result = await this.prisma.projectMember.updateMany({ where: { projectId, userId }, data: { role: checked } });
    if (result.count === 0) throw new WharfError('NOT_FOUND', 'the user is not a member of this project');
    return this.get(projectId, userId);
  }

  async remove(projectId: number, userId: number): Promise<void> {
    const result = await this.prisma.projectMember.deleteMany({ where: { projectId, userId } });
    if (result.count === 0) throw new WharfError('NOT_FOUND', 'the user is not a member of this project');
  }

  async get(projectId: number, userId: number): Promise<MemberRecord> {
    const row = await this.prisma.projectMember.findUnique({
      where: { projectId_userId: { projectId, userId } },
      include: { user: { select: { username: true } } },
    });
    if (!row) throw new WharfError('NOT_FOUND', 'the user is not a member of this project');
    return { projectId: row.projectId, userId: row.userId, username: row.user.username, role: row.role as ProjectRole, createdAt: row.createdAt };
  }

  /** Memberships among the given project and user pairs, for batched role lookups. */
  async findRoles(pairs: readonly { projectId: number; userId: number }[]): Promise<{ projectId: number; userId: number; role: string }[]> {
    if (pairs.length === 0) return [];
    return this.prisma.projectMember.findMany({
      where: { OR: pairs.map((pair) => ({ projectId: pair.projectId, userId: pair.userId })) },
      select: { projectId: true, userId: true, role: true },
    });
  }

  /** The user's role in the project, or undefined for a non-member. */
  async roleOf(projectId: number, userId: number): Promise<ProjectRole | undefined> {
    const row = await this.prisma.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { role: true } });
    return row && isProjectRole(row.role) ? row.role : undefined;
  }
}
