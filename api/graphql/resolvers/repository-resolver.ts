import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import type { ArtifactKind } from '../../catalog/artifact-kind.ts';
import { type ArtifactRow, type ArtifactSort, artifactSortValue } from '../../catalog/artifact-reader.ts';
import type { RepositoryRow, RepositorySort, SortedRepositoryRow } from '../../catalog/repository-reader.ts';
import { formatSortKey } from '../../catalog/keyset.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import { requireProjectPermission } from '../access.ts';
import { loadReadableRepository } from '../catalog-access.ts';
import type { GraphqlContext } from '../context.ts';
import { type Connection, pageSize, toConnection } from '../pagination.ts';
import { decodeSortCursor, type SortValueType } from '../sort-cursor.ts';
import { ArtifactConnection } from '../types/artifact.ts';
import { ArtifactKindEnum, ArtifactSortEnum, RepositorySortEnum, SortOrder } from '../types/catalog-enums.ts';
import { Project } from '../types/project.ts';
import { Repository, RepositoryConnection } from '../types/repository.ts';

const REPOSITORY_SORT_TYPES: Record<RepositorySort, SortValueType> = { NAME: 'text', PUSHED_AT: 'timestamp', PULLED_AT: 'timestamp', SIZE: 'bigint' };
const ARTIFACT_SORT_TYPES: Record<ArtifactSort, SortValueType> = { PUSHED_AT: 'timestamp', PULLED_AT: 'timestamp', SIZE: 'bigint' };

export interface RepositoryListArguments {
  first?: number | null;
  after?: string | null;
  query?: string | null;
  sort?: RepositorySort | null;
  order?: SortOrder | null;
}

/** Lists a project's repositories for a caller already allowed to pull from it. */
export async function listRepositories(context: GraphqlContext, project: ProjectSummary, args: RepositoryListArguments): Promise<Connection<RepositoryRow>> {
  const limit = pageSize(args.first);
  const sort = args.sort ?? 'NAME';
  const order = args.order ?? (sort === 'NAME' ? 'ASC' : 'DESC');
  const kind = `repository.${sort}.${order}`;
  const after = decodeSortCursor(kind, args.after, REPOSITORY_SORT_TYPES[sort]);
  const nameContains = args.query ?? undefined;

  const [rows, totalCount] = await Promise.all([
    context.catalog.repositories.listPage({
      projectId: project.id,
      ...(nameContains !== undefined ? { nameContains } : {}),
      sort,
      direction: order === 'ASC' ? 'ascending' : 'descending',
      ...(after ? { after } : {}),
      limit: limit + 1,
    }),
    context.catalog.repositories.count(project.id, nameContains),
  ]);
  for (const row of rows) context.loaders.catalog.repositoryById.prime(row.id, row);
  return toConnection<SortedRepositoryRow>(rows, limit, { kind, keyOf: (row) => formatSortKey(row.sortValue, row.id), after: args.after ?? undefined, totalCount });
}

/** Pages a repository's artifacts through the batched loader, largest sort value first. */
export async function listArtifacts(
  context: GraphqlContext,
  repository: RepositoryRow,
  args: { first?: number | null; after?: string | null; sort?: ArtifactSort | null; kind?: ArtifactKind | null },
): Promise<Connection<ArtifactRow>> {
  const limit = pageSize(args.first);
  const sort = args.sort ?? 'PUSHED_AT';
  const listKind = `artifact.${sort}`;
  const after = decodeSortCursor(listKind, args.after, ARTIFACT_SORT_TYPES[sort]);
  const kind = args.kind ?? undefined;

  const [rows, totalCount] = await Promise.all([
    context.loaders.catalog.artifactPage.load({ repositoryId: repository.id, limit: limit + 1, sort, ...(after ? { after } : {}), ...(kind ? { kind } : {}) }),
    context.loaders.catalog.artifactCount.load({ repositoryId: repository.id, kind }),
  ]);
  for (const row of rows) context.loaders.catalog.artifactById.prime(row.id, row);
  const keyOf = (row: ArtifactRow) => formatSortKey(artifactSortValue(row, sort), row.id);
  return toConnection(rows, limit, { kind: listKind, keyOf, after: args.after ?? undefined, totalCount });
}

@Resolver(() => Repository)
export class RepositoryResolver {
  @Query(() => Repository, { description: 'A repository by full name. NOT_FOUND when it does not exist or the caller may not pull from it.' })
  async repository(@Ctx() context: GraphqlContext, @Arg('name', () => String) name: string): Promise<RepositoryRow> {
    return loadReadableRepository(context, name);
  }

  @Query(() => RepositoryConnection, {
    description: "A project's repositories that contain at least one artifact. Needs repository:pull in the project.",
  })
  async repositories(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('query', () => String, { nullable: true, description: 'Keep repositories whose path (name without the project) contains this text.' })
    query?: string | null,
    @Arg('sort', () => RepositorySortEnum, { nullable: true, defaultValue: 'NAME' }) sort?: RepositorySort | null,
    @Arg('order', () => SortOrder, { nullable: true, description: 'ASC by default for NAME, DESC for the others.' }) order?: SortOrder | null,
  ): Promise<Connection<RepositoryRow>> {
    const project = await requireProjectPermission(context, projectName, 'repository:pull');
    return listRepositories(context, project, { first, after, query, sort, order });
  }

  @FieldResolver(() => Project)
  async project(@Root() repository: RepositoryRow, @Ctx() context: GraphqlContext): Promise<ProjectSummary> {
    return (await context.loaders.projectById.load(repository.projectId))!;
  }

  @FieldResolver(() => String, { description: 'The name without its project, such as team/app.' })
  path(@Root() repository: RepositoryRow): string {
    return repository.name.slice(repository.name.indexOf('/') + 1);
  }

  @FieldResolver(() => Int)
  async artifactCount(@Root() repository: RepositoryRow, @Ctx() context: GraphqlContext): Promise<number> {
    return (await context.loaders.catalog.repositoryStats.load(repository.id))?.artifactCount ?? 0;
  }

  @FieldResolver(() => Int)
  async tagCount(@Root() repository: RepositoryRow, @Ctx() context: GraphqlContext): Promise<number> {
    return (await context.loaders.catalog.repositoryStats.load(repository.id))?.tagCount ?? 0;
  }

  @FieldResolver(() => SafeIntResolver, { description: 'Bytes of the distinct blobs linked into the repository plus its manifests.' })
  async size(@Root() repository: RepositoryRow, @Ctx() context: GraphqlContext): Promise<number> {
    return (await context.loaders.catalog.repositoryStats.load(repository.id))?.size ?? 0;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Latest push of any of its artifacts.' })
  async pushedAt(@Root() repository: RepositoryRow, @Ctx() context: GraphqlContext): Promise<Date | null> {
    return (await context.loaders.catalog.repositoryStats.load(repository.id))?.pushedAt ?? null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Latest pull of any of its artifacts; null when never pulled.' })
  async pulledAt(@Root() repository: RepositoryRow, @Ctx() context: GraphqlContext): Promise<Date | null> {
    return (await context.loaders.catalog.repositoryStats.load(repository.id))?.pulledAt ?? null;
  }

  @FieldResolver(() => ArtifactConnection, { description: 'Artifacts, newest push first unless sorted otherwise.' })
  async artifacts(
    @Root() repository: RepositoryRow,
    @Ctx() context: GraphqlContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('sort', () => ArtifactSortEnum, { nullable: true, defaultValue: 'PUSHED_AT' }) sort?: ArtifactSort | null,
    @Arg('kind', () => ArtifactKindEnum, { nullable: true }) kind?: ArtifactKind | null,
  ): Promise<Connection<ArtifactRow>> {
    return listArtifacts(context, repository, { first, after, sort, kind });
  }
}
