import type { Permission } from '../access/permissions.ts';
import type { RepositoryRow } from '../catalog/repository-reader.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ProjectSummary } from '../projects/project-service.ts';
import { isValidRepositoryName, projectOf } from '../registry/names.ts';
import { projectPermissions, requireProjectPermission } from './access.ts';
import type { GraphqlContext } from './context.ts';

function repositoryNotFound(name: string): never {
  throw new WharfError('NOT_FOUND', `repository "${name}" not found`);
}

/** True when the caller has `permission` in the project with this id; false for a missing project. */
export async function canInProject(context: GraphqlContext, projectId: number, permission: Permission): Promise<boolean> {
  const project = await context.loaders.projectById.load(projectId);
  return project !== undefined && (await projectPermissions(context, project)).has(permission);
}

/**
 * Loads a repository the caller may pull from. A missing repository, a
 * missing project and one the caller may not pull from all raise the same
 * NOT_FOUND, so private names do not leak.
 */
export async function loadReadableRepository(context: GraphqlContext, name: string): Promise<RepositoryRow> {
  if (!isValidRepositoryName(name)) repositoryNotFound(name);
  const project = await context.services.projects.findByName(projectOf(name));
  if (!project || !(await projectPermissions(context, project)).has('repository:pull')) repositoryNotFound(name);

  const repository = await context.loaders.catalog.repositoryByName.load(name);
  if (!repository) repositoryNotFound(name);
  return repository;
}

/**
 * Loads a repository for a change that needs `permission` in its project:
 * NOT_FOUND when the caller may not read the project or the repository does
 * not exist, UNAUTHENTICATED or FORBIDDEN when the permission is missing.
 */
export async function requireRepositoryPermission(
  context: GraphqlContext,
  name: string,
  permission: Permission,
): Promise<{ repository: RepositoryRow; project: ProjectSummary }> {
  if (!isValidRepositoryName(name)) repositoryNotFound(name);
  const project = await requireProjectPermission(context, projectOf(name), permission);
  const repository = await context.services.repositories.find(name);
  if (!repository) repositoryNotFound(name);
  const row = await context.loaders.catalog.repositoryById.load(repository.id);
  if (!row) repositoryNotFound(name);
  return { repository: row, project };
}

/**
 * Ids of the projects where the caller has each permission, or 'all' for
 * system administrators; used to scope queries that span projects.
 */
export async function projectIdsWith<Wanted extends Permission>(context: GraphqlContext, permissions: readonly Wanted[]): Promise<Record<Wanted, 'all' | number[]>> {
  const names = await context.services.access.readableProjects(context.caller);
  if (names === 'all') return Object.fromEntries(permissions.map((permission) => [permission, 'all'])) as Record<Wanted, 'all'>;

  const projects = await context.services.projects.listPage({ names, limit: names.length });
  for (const project of projects) context.loaders.projectById.prime(project.id, project);
  // Loading every project's permissions in one tick lets the role loader batch them into one query.
  const granted = await Promise.all(projects.map((project) => projectPermissions(context, project)));
  const ids = (permission: Permission) => projects.filter((_project, index) => granted[index]!.has(permission)).map((project) => project.id);
  return Object.fromEntries(permissions.map((permission) => [permission, ids(permission)])) as Record<Wanted, number[]>;
}
