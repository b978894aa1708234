import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Permission, ProjectRole } from '../../access/permissions.ts';
import type { MemberRecord } from '../../members/member-service.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import { WharfError } from '../../errors/catalog.ts';
import type { RobotRecord } from '../../robots/robot-service.ts';
import { loadVisibleProject, projectPermissions, recordChange, requireProjectPermission, requireUser } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../pagination.ts';
import { Member } from '../types/member.ts';
import { CreateProjectInput, Project, ProjectConnection, UpdateProjectInput } from '../types/project.ts';
import { ProjectRoleEnum } from '../types/project-role.ts';
import { RobotAccount } from '../types/robot.ts';

/** Maximum length of a project search text, which is also the maximum length of a project name. */
const MAX_SEARCH_LENGTH = 255;

/** Returns the trimmed search text, or undefined when it is empty. Raises INVALID_INPUT when it is too long. */
function projectSearchText(search: string | null | undefined): string | undefined {
  const text = search?.trim();
  if (!text) return undefined;
  if (text.length > MAX_SEARCH_LENGTH) {
    throw new WharfError('INVALID_INPUT', `invalid search of ${text.length} characters: use at most ${MAX_SEARCH_LENGTH}, the maximum length of a project name`);
  }
  return text;
}

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => ProjectConnection, { description: 'Projects the caller may read (public ones, their own, or all for administrators), by name.' })
  async projects(
    @Ctx() context: GraphqlContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true, description: 'Only projects whose name contains this text, ignoring case. totalCount counts the matches.' })
    search?: string | null,
  ): Promise<Connection<ProjectSummary>> {
    const limit = pageSize(first);
    const afterName = decodeCursor('project', after);
    const text = projectSearchText(search);
    const names = await context.services.access.readableProjects(context.caller, 'project:read');

    const [rows, totalCount] = await Promise.all([
      context.services.projects.listPage({ names, ...(afterName !== undefined ? { after: afterName } : {}), limit: limit + 1, ...(text ? { search: text } : {}) }),
      context.services.projects.count(names, text),
    ]);
    for (const project of rows) context.loaders.projectById.prime(project.id, project);
    return toConnection(rows, limit, { kind: 'project', keyOf: (project) => project.name, after: afterName, totalCount });
  }

  @Query(() => Project, {
    nullable: true,
    description: 'A project by name. NOT_FOUND when it does not exist or the caller may not read it.',
  })
  async project(@Ctx() context: GraphqlContext, @Arg('name', () => String) name: string): Promise<ProjectSummary> {
    return (await loadVisibleProject(context, name)).project;
  }

  @FieldResolver(() => ProjectRoleEnum, { nullable: true, description: "The caller's role; null when the caller is not a member." })
  async myRole(@Root() project: ProjectSummary, @Ctx() context: GraphqlContext): Promise<ProjectRole | null> {
    return (await context.loaders.callerRole.load(project.id)) ?? null;
  }

  @FieldResolver(() => [String], { description: 'Permissions the caller has in the project, such as repository:push.' })
  async myPermissions(@Root() project: ProjectSummary, @Ctx() context: GraphqlContext): Promise<Permission[]> {
    return [...(await projectPermissions(context, project))].sort();
  }

  @FieldResolver(() => [Member], { nullable: true, description: 'Members and their roles, or null unless the caller has member:read.' })
  async members(@Root() project: ProjectSummary, @Ctx() context: GraphqlContext): Promise<MemberRecord[] | null> {
    if (!(await projectPermissions(context, project)).has('member:read')) return null;
    return context.loaders.membersByProject.load(project.id);
  }

  @FieldResolver(() => [RobotAccount], { nullable: true, description: 'Project robot accounts, or null unless the caller has robot:read.' })
  async robots(@Root() project: ProjectSummary, @Ctx() context: GraphqlContext): Promise<RobotRecord[] | null> {
    if (!(await projectPermissions(context, project)).has('robot:read')) return null;
    return context.loaders.robotsByProject.load(project.id);
  }

  @Mutation(() => Project, { description: 'Creates a project; the signed-in user becomes its projectAdmin.' })
  async createProject(@Ctx() context: GraphqlContext, @Arg('input', () => CreateProjectInput) input: CreateProjectInput): Promise<ProjectSummary> {
    const user = requireUser(context, 'create projects');

    const project = await context.services.projects.create(input.name, { public: input.public ?? false });
    try {
      await context.services.members.add(project.id, user.id, 'projectAdmin');
    } catch (error) {
      // A project without a project administrator would need a system administrator to clean it up.
      await context.services.projects.delete(project.name);
      throw error;
    }
    await recordChange(context, { action: 'project.create', resource: `project:${project.name}`, projectId: project.id, detail: { public: project.public } });
    return project;
  }

  @Mutation(() => Project, { description: 'Changes a project. Needs project:update.' })
  async updateProject(@Ctx() context: GraphqlContext, @Arg('input', () => UpdateProjectInput) input: UpdateProjectInput): Promise<ProjectSummary> {
    await requireProjectPermission(context, input.name, 'project:update');

    const changes = input.public !== undefined && input.public !== null ? { public: input.public } : {};
    const project = await context.services.projects.update(input.name, changes);
    await recordChange(context, { action: 'project.update', resource: `project:${project.name}`, projectId: project.id, detail: changes });
    return project;
  }

  @Mutation(() => Boolean, { description: 'Deletes an empty project with its members and robots. Needs project:delete.' })
  async deleteProject(@Ctx() context: GraphqlContext, @Arg('name', () => String) name: string): Promise<boolean> {
    await requireProjectPermission(context, name, 'project:delete');

    const project = await context.services.projects.delete(name);
    await recordChange(context, { action: 'project.delete', resource: `project:${project.name}`, projectId: project.id });
    return true;
  }
}
