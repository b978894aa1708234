import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isPermission, type Permission } from '../../access/permissions.ts';
import { isWharfError, WharfError } from '../../errors/catalog.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import type { RobotRecord } from '../../robots/robot-service.ts';
import { projectPermissions, recordChange, requireProjectPermission, requireSystemAdmin } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import { Project } from '../types/project.ts';
import { CreateRobotAccountInput, RobotAccount, RobotSecret } from '../types/robot.ts';

/**
 * Loads a robot the caller may manage: a system administrator for a system
 * robot, robot:manage in the project for a project robot. A project robot
 * the caller may not see is reported missing, like its project.
 */
async function loadManagedRobot(context: GraphqlContext, id: number): Promise<{ robot: RobotRecord; project: ProjectSummary | undefined }> {
  const robot = await context.services.robots.get(id).catch((error: unknown) => {
    if (isWharfError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  });
  const notFound = new WharfError('NOT_FOUND', `robot account ${id} not found`);
  if (!robot) {
    if (context.caller.kind === 'anonymous') unauthenticated();
    throw notFound;
  }
  if (robot.projectId === null) {
    requireSystemAdmin(context, 'manage system robot accounts');
    return { robot, project: undefined };
  }

  const project = await context.loaders.projectById.load(robot.projectId);
  const permissions: ReadonlySet<Permission> = project ? await projectPermissions(context, project) : new Set();
  if (!project || !permissions.has('project:read')) throw notFound;
  if (!permissions.has('robot:manage')) {
    if (context.caller.kind === 'anonymous') unauthenticated();
    forbidden(`robot:manage is not granted in project "${project.name}"`);
  }
  return { robot, project };
}

function robotAuditEntry(robot: RobotRecord, project: ProjectSummary | undefined) {
  return { resource: `robot:${robot.name}`, projectId: project?.id ?? null };
}

@Resolver(() => RobotAccount)
export class RobotResolver {
  @Query(() => [RobotAccount], { description: 'System robot accounts, which are not tied to a project. System administrators only.' })
  async systemRobotAccounts(@Ctx() context: GraphqlContext): Promise<RobotRecord[]> {
    requireSystemAdmin(context, 'list system robot accounts');
    return context.services.robots.list(null);
  }

  @FieldResolver(() => Project, { nullable: true, description: 'Project of a project robot; null for a system robot.' })
  async project(@Root() robot: RobotRecord, @Ctx() context: GraphqlContext): Promise<ProjectSummary | null> {
    if (robot.projectId === null) return null;
    return (await context.loaders.projectById.load(robot.projectId)) ?? null;
  }

  @Mutation(() => RobotSecret, {
    description:
      'Creates a robot account. The secret is shown once. A project robot needs robot:manage and only permissions the caller has. A system robot needs a system administrator.',
  })
  async createRobotAccount(
    @Ctx() context: GraphqlContext,
    @Arg('input', () => CreateRobotAccountInput) input: CreateRobotAccountInput,
  ): Promise<{ robot: RobotRecord; secret: string }> {
    let project: ProjectSummary | undefined;
    if (input.project === undefined || input.project === null) {
      requireSystemAdmin(context, 'create system robot accounts');
    } else {
      project = await requireProjectPermission(context, input.project, 'robot:manage');
      // A robot must not have more permissions than its creator, or robot:manage would grant everything.
      const held = await projectPermissions(context, project);
      const beyond = input.grants.flatMap((grant) => grant.actions).filter((action) => isPermission(action) && !held.has(action));
      if (beyond.length > 0) forbidden(`you cannot grant ${[...new Set(beyond)].join(', ')} because you do not have it in "${project.name}"`);
    }

    const created = await context.services.robots.create({
      name: input.name,
      ...(project ? { project: project.name } : {}),
      description: input.description ?? null,
      // The service rejects unknown permission names with a message that lists them.
      grants: input.grants.map((grant) => ({ project: grant.project, actions: grant.actions as Permission[] })),
      expiresAt: input.expiresAt ?? null,
    });
    await recordChange(context, { action: 'robot.create', ...robotAuditEntry(created.robot, project), detail: { grants: created.robot.grants } });
    return created;
  }

  @Mutation(() => Boolean, { description: 'Deletes a robot account; its secret and tokens stop working at once.' })
  async deleteRobotAccount(@Ctx() context: GraphqlContext, @Arg('id', () => Int) id: number): Promise<boolean> {
    const { robot, project } = await loadManagedRobot(context, id);

    await context.services.robots.delete(robot.id);
    await recordChange(context, { action: 'robot.delete', ...robotAuditEntry(robot, project) });
    return true;
  }

  @Mutation(() => RobotAccount, { description: 'Disables a robot account, or enables it again with disabled: false.' })
  async disableRobotAccount(
    @Ctx() context: GraphqlContext,
    @Arg('id', () => Int) id: number,
    @Arg('disabled', () => Boolean, { defaultValue: true }) disabled: boolean,
  ): Promise<RobotRecord> {
    const { robot, project } = await loadManagedRobot(context, id);

    const updated = await context.services.robots.setDisabled(robot.id, disabled);
    await recordChange(context, { action: disabled ? 'robot.disable' : 'robot.enable', ...robotAuditEntry(robot, project) });
    return updated;
  }

  @Mutation(() => RobotSecret, { description: 'Replaces the secret of a robot account; the old one stops working at once.' })
  async refreshRobotSecret(@Ctx() context: GraphqlContext, @Arg('id', () => Int) id: number): Promise<{ robot: RobotRecord; secret: string }> {
    const { robot, project } = await loadManagedRobot(context, id);

    const refreshed = await context.services.robots.refreshSecret(robot.id);
    await recordChange(context, { action: 'robot.refresh', ...robotAuditEntry(robot, project) });
    return refreshed;
  }
}
