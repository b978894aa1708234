import { SafeIntResolver } from 'graphql-scalars';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { ProjectSummary } from '../../projects/project-service.ts';
import type { UsageDrift } from '../../quota/quota-service.ts';
import { recordChange, requireSystemAdmin } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { Project } from '../types/project.ts';
import { QuotaDrift } from '../types/quota-drift.ts';

/** Storage quotas: limits per project, the default for new projects, and the usage check. System administrators only. */
@Resolver()
export class QuotaResolver {
  @Mutation(() => Project, {
    description:
      'Sets the storage limit of a project in bytes, -1 for unlimited. A limit below the current usage rejects every push that adds storage. System administrators only.',
  })
  async setProjectQuota(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('limit', () => SafeIntResolver) limit: number,
  ): Promise<ProjectSummary> {
    requireSystemAdmin(context, 'set storage quotas');

    const usage = await context.services.quota.setLimit(projectName, limit);
    const project = await context.services.projects.get(projectName);
    await recordChange(context, { action: 'quota.set', resource: `project:${project.name}`, projectId: project.id, detail: { limit: usage.limit } });
    return project;
  }

  @Query(() => SafeIntResolver, { description: 'Storage limit in bytes that new projects get; -1 when unlimited. System administrators only.' })
  async defaultProjectQuota(@Ctx() context: GraphqlContext): Promise<number> {
    requireSystemAdmin(context, 'read the default storage quota');
    return context.services.quota.defaultLimit();
  }

  @Mutation(() => SafeIntResolver, {
    description: 'Sets the storage limit in bytes (-1 for unlimited) that new projects get; existing projects keep theirs. Returns the new default. System administrators only.',
  })
  async setDefaultProjectQuota(@Ctx() context: GraphqlContext, @Arg('limit', () => SafeIntResolver) limit: number): Promise<number> {
    requireSystemAdmin(context, 'set the default storage quota');

    await context.services.quota.setDefaultLimit(limit);
    await recordChange(context, { action: 'quota.default', resource: 'system:quota', detail: { limit } });
    return context.services.quota.defaultLimit();
  }

  @Mutation(() => [QuotaDrift], {
    description:
      'Recomputes the storage usage of every project from its content and returns the projects whose recorded usage differs. With fix, rewrites their usage. System administrators only.',
  })
  async verifyQuotas(
    @Ctx() context: GraphqlContext,
    @Arg('fix', () => Boolean, { nullable: true, defaultValue: false }) fix?: boolean | null,
  ): Promise<UsageDrift[]> {
    requireSystemAdmin(context, 'verify storage quotas');

    const drift = await context.services.quota.verify(fix ?? false);
    if (fix && drift.length > 0) {
      await recordChange(context, { action: 'quota.fix', resource: 'system:quota', detail: { projects: drift.map((entry) => entry.project) } });
    }
    return drift;
  }
}
