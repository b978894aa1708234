import type { Prisma, SqlQuery } from '../db/client.ts';
import type { Caller, RobotGrant, RobotIdentity } from './caller.ts';
import {
  type Permission,
  PERMISSIONS,
  PROJECT_ROLES,
  PUBLIC_PERMISSIONS,
  REGISTRY_ACTION_PERMISSION,
  type RegistryAction,
  ROLE_PERMISSIONS,
  isProjectRole,
} from './permissions.ts';

export type { RegistryAction } from './permissions.ts';

const NONE: ReadonlySet<Permission> = new Set();
const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);

/** Returns whether a robot's grant covers the project: `*` for a system robot, otherwise the project the grant was made for. */
function grantCovers(robot: RobotIdentity, grant: RobotGrant, projectId: number): boolean {
  if (robot.projectId !== null && robot.projectId !== projectId) return false;
  if (grant.project === '*') return robot.projectId === null;
  return grant.projectId === projectId;
}

/** Returns the permissions one robot grant gives: its actions, plus reading the project, as readableProjects() lists it. */
function grantPermissions(grant: RobotGrant): ReadonlySet<Permission> {
  return new Set<Permission>(['project:read', ...grant.actions]);
}

/**
 * Computes what a caller may do in an existing project from data already
 * loaded: the project's visibility and, for a user, their role in it. Batched
 * readers (GraphQL) use it. `AccessPolicy.permissions` loads the same data and
 * calls it, so both apply one rule.
 */
export function grantedPermissions(caller: Caller, project: { id: number; public: boolean }, role: string | undefined): ReadonlySet<Permission> {
  if (caller.kind === 'user' && caller.user.isAdmin) return ALL;

  const granted = new Set<Permission>(project.public ? PUBLIC_PERMISSIONS : NONE);
  if (caller.kind === 'user' && role !== undefined && isProjectRole(role)) {
    for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  }
  if (caller.kind === 'robot') {
    for (const grant of caller.robot.grants) {
      if (!grantCovers(caller.robot, grant, project.id)) continue;
      for (const permission of grantPermissions(grant)) granted.add(permission);
    }
  }
  return granted;
}

/**
 * Decides what a caller may do in a project, from the permission matrix, the
 * caller's membership or robot grants, and whether the project is public.
 * Every transport (registry, chart repository, GraphQL) calls this class.
 */
export class AccessPolicy {
  constructor(
    private readonly prisma: Prisma,
    private readonly query: SqlQuery,
  ) {}

  isSystemAdmin(caller: Caller): boolean {
    return caller.kind === 'user' && caller.user.isAdmin;
  }

  /** Returns everything the caller may do in the project. Empty for a project that does not exist, except for administrators. */
  async permissions(caller: Caller, projectName: string): Promise<ReadonlySet<Permission>> {
    // Administrators get everything even for a missing project, so a push there reports NAME_UNKNOWN.
    if (this.isSystemAdmin(caller)) return ALL;
    // One statement reads the project and the user's role in it (NULL for robots and anonymous callers).
    const userId = caller.kind === 'user' ? caller.user.id : null;
    const rows = await this.query<{ id: number; public: boolean; role: string | null }>(
      `SELECT p.id, p.public, m.role
       FROM projects p LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2::int
       WHERE p.name = $1`,
      [projectName, userId],
    );
    const project = rows[0];
    if (!project) return NONE;
    return grantedPermissions(caller, project, project.role ?? undefined);
  }

  async can(caller: Caller, projectName: string, permission: Permission): Promise<boolean> {
    return (await this.permissions(caller, projectName)).has(permission);
  }

  /** Whether the caller may pull, push or delete in the project (ignoring any token limits). */
  async allows(caller: Caller, projectName: string, action: RegistryAction): Promise<boolean> {
    return this.can(caller, projectName, REGISTRY_ACTION_PERMISSION[action]);
  }

  /**
   * Returns the names of the projects where the caller has `permission` (by
   * default pull, for the catalog), or 'all'. Lists and single reads agree, so
   * a project is listed exactly when `permissions()` for it includes `permission`.
   */
  async readableProjects(caller: Caller, permission: Permission = 'repository:pull'): Promise<'all' | string[]> {
    if (this.isSystemAdmin(caller)) return 'all';

    const names = new Set<string>();
    // One statement lists the public projects (when the permission is public) and the user's projects with a role that has it.
    const includePublic = PUBLIC_PERMISSIONS.has(permission);
    const userId = caller.kind === 'user' ? caller.user.id : null;
    const roles = PROJECT_ROLES.filter((role) => ROLE_PERMISSIONS[role].has(permission));
    const rows = await this.query<{ name: string }>(
      `SELECT p.id, p.name FROM projects p WHERE $1::boolean AND p.public
       UNION
       SELECT p.id, p.name FROM projects p JOIN project_members m ON m.project_id = p.id
       WHERE m.user_id = $2::int AND m.role = ANY($3::text[])
       ORDER BY id`,
      [includePublic, userId, roles],
    );
    for (const row of rows) names.add(row.name);

    if (caller.kind === 'robot') {
      for (const name of await this.#robotProjects(caller.robot, permission)) names.add(name);
    }
    return [...names];
  }

  async #robotProjects(robot: RobotIdentity, permission: Permission): Promise<string[]> {
    const grants = robot.grants.filter((grant) => grantPermissions(grant).has(permission));
    if (robot.projectId === null && grants.some((grant) => grant.project === '*')) {
      return (await this.prisma.project.findMany({ select: { name: true } })).map((project) => project.name);
    }

    const ids = grants.flatMap((grant) => (grant.projectId !== undefined ? [grant.projectId] : []));
    if (ids.length === 0) return [];
    const projects = await this.prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return projects.filter((project) => grants.some((grant) => grantCovers(robot, grant, project.id))).map((project) => project.name);
  }
}
