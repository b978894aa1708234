import type { Prisma } from '../db/client.ts';
import type { Caller } from './caller.ts';
import {
  type Permission,
  PERMISSIONS,
  PUBLIC_PERMISSIONS,
  REGISTRY_ACTION_PERMISSION,
  type RegistryAction,
  ROLE_PERMISSIONS,
  isProjectRole,
} from './permissions.ts';

export type { RegistryAction } from './permissions.ts';

const NONE: ReadonlySet<Permission> = new Set();
const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);

/**
 * Computes what a caller may do in an existing project from data already
 * loaded: the project's visibility and, for a user, their role in it. Batched
 * readers (GraphQL) use it; `AccessPolicy.permissions` loads the same data and
 * calls it, so both apply one rule.
 */
export function grantedPermissions(caller: Caller, project: { name: string; public: boolean }, role: string | undefined): ReadonlySet<Permission> {
  if (caller.kind === 'user' && caller.user.isAdmin) return ALL;

  const granted = new Set<Permission>(project.public ? PUBLIC_PERMISSIONS : NONE);
  if (caller.kind === 'user' && role !== undefined && isProjectRole(role)) {
    for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  }
  if (caller.kind === 'robot') {
    for (const grant of caller.robot.grants) {
      const applies = grant.project === project.name || (grant.project === '*' && caller.robot.projectId === null);
      if (!applies) continue;
      // A robot may read every project where it has any permission, as readableProjects() lists them.
      granted.add('project:read');
      for (const action of grant.actions) granted.add(action);
    }
  }
  return granted;
}

/**
 * Decides what a caller may do in a project, from the permission matrix, the
 * caller's membership or robot grants, and whether the project is public.
 * Every transport (registry, chart repository, GraphQL) asks this class.
 */
export class AccessPolicy {
  constructor(private readonly prisma: Prisma) {}

  isSystemAdmin(caller: Caller): boolean {
    return caller.kind === 'user' && caller.user.isAdmin;
  }

  /** Everything the caller may do in the project; empty for a project that does not exist, except for administrators. */
  async permissions(caller: Caller, projectName: string): Promise<ReadonlySet<Permission>> {
    // Administrators get everything even for a missing project, so a push there reports NAME_UNKNOWN.
    if (this.isSystemAdmin(caller)) return ALL;
    const project = await this.prisma.project.findUnique({ where: { name: projectName }, select: { id: true, public: true } });
    if (!project) return NONE;

    let role: string | undefined;
    if (caller.kind === 'user') {
      const member = await this.prisma.projectMember.findUnique({
        where: { projectId_userId: { projectId: project.id, userId: caller.user.id } },
        select: { role: true },
      });
      role = member?.role;
    }
    return grantedPermissions(caller, { name: projectName, public: project.public }, role);
  }

  async can(caller: Caller, projectName: string, permission: Permission): Promise<boolean> {
    return (await this.permissions(caller, projectName)).has(permission);
  }

  /** Whether the caller may pull, push or delete in the project (ignoring any token limits). */
  async allows(caller: Caller, projectName: string, action: RegistryAction): Promise<boolean> {
    return this.can(caller, projectName, REGISTRY_ACTION_PERMISSION[action]);
  }

  /** Names of the projects whose content the caller may read, or 'all'. */
  async readableProjects(caller: Caller): Promise<'all' | string[]> {
    if (this.isSystemAdmin(caller)) return 'all';

    const names = new Set<string>();
    const publicProjects = await this.prisma.project.findMany({ where: { public: true }, select: { name: true } });
    for (const project of publicProjects) names.add(project.name);

    if (caller.kind === 'user') {
      const memberships = await this.prisma.projectMember.findMany({
        where: { userId: caller.user.id },
        select: { project: { select: { name: true } } },
      });
      for (const membership of memberships) names.add(membership.project.name);
    }
    if (caller.kind === 'robot') {
      const pulls = caller.robot.grants.filter((grant) => grant.actions.includes('repository:pull'));
      if (pulls.some((grant) => grant.project === '*') && caller.robot.projectId === null) {
        const all = await this.prisma.project.findMany({ select: { name: true } });
        for (const project of all) names.add(project.name);
      }
      for (const grant of pulls) if (grant.project !== '*') names.add(grant.project);
    }
    return [...names];
  }
}
