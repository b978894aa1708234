import type { Prisma } from '../db/client.ts';
import type { Caller } from './caller.ts';

/** What a registry request does to a repository. */
export type RegistryAction = 'pull' | 'push' | 'delete';

/**
 * Decides whether a caller may act on a project.
 * NOTE: until project members and roles exist, system administrators may do
 * everything, other signed-in users and anonymous callers may pull from public
 * projects only.
 */
export class AccessPolicy {
  constructor(private readonly prisma: Prisma) {}

  async isPublic(projectName: string): Promise<boolean> {
    const project = await this.prisma.project.findUnique({ where: { name: projectName }, select: { public: true } });
    return project?.public ?? false;
  }

  async allows(caller: Caller, projectName: string, action: RegistryAction): Promise<boolean> {
    if (caller.kind === 'user' && caller.user.isAdmin) return true;
    if (action !== 'pull') return false;
    return this.isPublic(projectName);
  }

  /** Names of the projects whose repositories the caller may list, or 'all'. */
  async readableProjects(caller: Caller): Promise<'all' | string[]> {
    if (caller.kind === 'user' && caller.user.isAdmin) return 'all';
    const projects = await this.prisma.project.findMany({ where: { public: true }, select: { name: true } });
    return projects.map((project) => project.name);
  }
}
