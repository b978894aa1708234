import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { ProjectRole } from '../../access/permissions.ts';
import { WharfError } from '../../errors/catalog.ts';
import type { MemberRecord } from '../../members/member-service.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import type { UserRecord } from '../../users/user-service.ts';
import { recordChange, requireProjectPermission } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { Member } from '../types/member.ts';
import { ProjectRoleEnum } from '../types/project-role.ts';
import { User } from '../types/user.ts';

async function findUser(context: GraphqlContext, username: string): Promise<UserRecord> {
  const user = await context.services.users.findByName(username);
  if (!user) throw new WharfError('NOT_FOUND', `user "${username}" not found`);
  return user;
}

/** Raises when the change would leave the project without any projectAdmin. */
async function keepOneProjectAdmin(context: GraphqlContext, project: ProjectSummary, member: MemberRecord, newRole: ProjectRole | undefined): Promise<void> {
  if (member.role !== 'projectAdmin' || newRole === 'projectAdmin') return;
  const admins = (await context.services.members.list(project.id)).filter((other) => other.role === 'projectAdmin');
  if (admins.length <= 1) {
    throw new WharfError('INVALID_INPUT', `${member.username} is the last projectAdmin of "${project.name}"; make another member projectAdmin first`);
  }
}

/** Loads the project (raising unless the caller has member:manage in it) and the user a member change is about. */
async function manageableMember(context: GraphqlContext, projectName: string, username: string) {
  const project = await requireProjectPermission(context, projectName, 'member:manage');
  const user = await findUser(context, username);
  return { project, user };
}

@Resolver(() => Member)
export class MemberResolver {
  @FieldResolver(() => User, { nullable: true })
  async user(@Root() member: MemberRecord, @Ctx() context: GraphqlContext): Promise<UserRecord | null> {
    return (await context.loaders.userById.load(member.userId)) ?? null;
  }

  @Mutation(() => Member, { description: 'Adds a user to a project with a role. Needs member:manage.' })
  async addProjectMember(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('username', () => String) username: string,
    @Arg('role', () => ProjectRoleEnum) role: ProjectRole,
  ): Promise<MemberRecord> {
    const { project, user } = await manageableMember(context, projectName, username);

    const member = await context.services.members.add(project.id, user.id, role);
    await recordChange(context, { action: 'member.add', resource: `member:${project.name}/${user.username}`, projectId: project.id, detail: { role } });
    return member;
  }

  @Mutation(() => Member, { description: "Changes a member's role. Needs member:manage." })
  async updateProjectMember(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('username', () => String) username: string,
    @Arg('role', () => ProjectRoleEnum) role: ProjectRole,
  ): Promise<MemberRecord> {
    const { project, user } = await manageableMember(context, projectName, username);
    const current = await context.services.members.get(project.id, user.id);
    await keepOneProjectAdmin(context, project, current, role);

    const member = await context.services.members.update(project.id, user.id, role);
    await recordChange(context, {
      action: 'member.update',
      resource: `member:${project.name}/${user.username}`,
      projectId: project.id,
      detail: { from: current.role, to: role },
    });
    return member;
  }

  @Mutation(() => Boolean, { description: 'Removes a user from a project. Needs member:manage.' })
  async removeProjectMember(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('username', () => String) username: string,
  ): Promise<boolean> {
    const { project, user } = await manageableMember(context, projectName, username);
    const current = await context.services.members.get(project.id, user.id);
    await keepOneProjectAdmin(context, project, current, undefined);

    await context.services.members.remove(project.id, user.id);
    await recordChange(context, {
      action: 'member.remove',
      resource: `member:${project.name}/${user.username}`,
      projectId: project.id,
      detail: { role: current.role },
    });
    return true;
  }
}
