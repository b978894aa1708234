import { grantedPermissions } from '../access/authorize.ts';
import type { UserIdentity } from '../access/caller.ts';
import type { Permission } from '../access/permissions.ts';
import type { AuditEntry } from '../audit/audit-service.ts';
import { actorOf } from '../audit/audit-service.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ProjectSummary } from '../projects/project-service.ts';
import type { GraphqlContext } from './context.ts';
import { forbidden, unauthenticated } from './errors.ts';

/** Returns the signed-in user. Raises UNAUTHENTICATED for anonymous callers and FORBIDDEN for robots. */
export function requireUser(context: GraphqlContext, action: string): UserIdentity {
  const { caller } = context;
  if (caller.kind === 'anonymous') unauthenticated();
  if (caller.kind === 'robot') forbidden(`robot accounts cannot ${action}; sign in as a user`);
  return caller.user;
}

/** Raises unless the caller is a system administrator. */
export function requireSystemAdmin(context: GraphqlContext, action: string): UserIdentity {
  const user = requireUser(context, action);
  if (!user.isAdmin) forbidden(`only system administrators can ${action}`);
  return user;
}

/** What the caller may do in the project, from the per-request role loader. */
export async function projectPermissions(context: GraphqlContext, project: ProjectSummary): Promise<ReadonlySet<Permission>> {
  const role = await context.loaders.callerRole.load(project.id);
  return grantedPermissions(context.caller, project, role);
}

/**
 * Loads a project the caller may read. A missing project and one the caller
 * may not read raise the same NOT_FOUND, so a private project's name does not
 * leak to outsiders.
 */
export async function loadVisibleProject(
  context: GraphqlContext,
  name: string,
): Promise<{ project: ProjectSummary; permissions: ReadonlySet<Permission> }> {
  const project = await context.services.projects.findByName(name);
  const permissions = project ? await projectPermissions(context, project) : undefined;
  if (!project || !permissions?.has('project:read')) throw new WharfError('NOT_FOUND', `project "${name}" not found`);
  return { project, permissions };
}

/**
 * Loads a project and raises unless the caller has `permission` in it. Raises
 * NOT_FOUND when the caller cannot read the project, UNAUTHENTICATED for an
 * anonymous caller and FORBIDDEN for an authenticated one.
 */
export async function requireProjectPermission(context: GraphqlContext, name: string, permission: Permission): Promise<ProjectSummary> {
  const { project, permissions } = await loadVisibleProject(context, name);
  if (permissions.has(permission)) return project;
  if (context.caller.kind === 'anonymous') unauthenticated();
  return forbidden(`${permission} is not granted in project "${name}"`);
}

/** Writes an audit event for a change made by the caller of this request. */
export async function recordChange(context: GraphqlContext, entry: Omit<AuditEntry, 'actor' | 'actorKind' | 'clientIp'>): Promise<void> {
  await context.services.audit.record({ ...actorOf(context.caller), clientIp: context.clientIp, ...entry });
}

