import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { ChartRow } from '../../catalog/chart-reader.ts';
import type { RepositoryRow, RepositorySort } from '../../catalog/repository-reader.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import { projectPermissions } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import type { Connection } from '../pagination.ts';
import { RepositorySortEnum, SortOrder } from '../types/catalog-enums.ts';
import { ChartConnection } from '../types/chart.ts';
import { Project } from '../types/project.ts';
import { QuotaUsage } from '../types/quota.ts';
import { RepositoryConnection } from '../types/repository.ts';
import { listCharts } from './chart-resolver.ts';
import { listRepositories } from './repository-resolver.ts';

/**
 * Catalog fields of a project: storage usage, repositories and charts, each behind its permission.
 *
 * NOTE: `repositories` and `charts` are not batched across projects, so a list
 * of projects that selects them runs two statements per project for each.
 */
@Resolver(() => Project)
export class ProjectCatalogResolver {
  @FieldResolver(() => QuotaUsage, { nullable: true, description: 'Storage limit and usage; null without quota:read.' })
  async quota(@Root() project: ProjectSummary, @Ctx() context: GraphqlContext): Promise<QuotaUsage | null> {
    if (!(await projectPermissions(context, project)).has('quota:read')) return null;
    return (await context.loaders.catalog.quotaByProject.load(project.id)) ?? null;
  }

  @FieldResolver(() => RepositoryConnection, { nullable: true, description: 'Repositories, as the repositories query lists them; null without repository:pull.' })
  async repositories(
    @Root() project: ProjectSummary,
    @Ctx() context: GraphqlContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('query', () => String, { nullable: true }) query?: string | null,
    @Arg('sort', () => RepositorySortEnum, { nullable: true, defaultValue: 'NAME' }) sort?: RepositorySort | null,
    @Arg('order', () => SortOrder, { nullable: true }) order?: SortOrder | null,
  ): Promise<Connection<RepositoryRow> | null> {
    if (!(await projectPermissions(context, project)).has('repository:pull')) return null;
    return listRepositories(context, project, { first, after, query, sort, order });
  }

  @FieldResolver(() => ChartConnection, { nullable: true, description: 'Helm charts by name; null without chart:read.' })
  async charts(
    @Root() project: ProjectSummary,
    @Ctx() context: GraphqlContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('query', () => String, { nullable: true }) query?: string | null,
  ): Promise<Connection<ChartRow> | null> {
    if (!(await projectPermissions(context, project)).has('chart:read')) return null;
    return listCharts(context, project, { first, after, query });
  }
}
