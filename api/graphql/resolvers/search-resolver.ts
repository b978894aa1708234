import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { ArtifactRow } from '../../catalog/artifact-reader.ts';
import type { ChartRow } from '../../catalog/chart-reader.ts';
import type { RepositoryRow } from '../../catalog/repository-reader.ts';
import type { SearchFacetRow, SearchHit as SearchHitRow, SearchHitType, SearchScope } from '../../catalog/search-reader.ts';
import { WharfError } from '../../errors/catalog.ts';
import { projectIdsWith } from '../catalog-access.ts';
import type { GraphqlContext } from '../context.ts';
import { decodeCursor, pageSize, toConnection } from '../pagination.ts';
import { Artifact } from '../types/artifact.ts';
import { SearchHitTypeEnum } from '../types/catalog-enums.ts';
import { Chart } from '../types/chart.ts';
import { Repository } from '../types/repository.ts';
import { SearchConnection, SearchFacets, SearchHit } from '../types/search.ts';

/** Maximum length of the search text, in characters. */
const MAX_SEARCH_LENGTH = 256;

interface SearchHitView extends SearchHit {
  projectId: number;
  repositoryId: number | null;
  artifactId: number | null;
  chart: string | null;
}

function parseSearchCursor(after: string | null | undefined): { rank: number; key: string } | undefined {
  const text = decodeCursor('search', after);
  if (text === undefined) return undefined;
  const rank = Number(text.slice(0, 1));
  if (![1, 2, 3].includes(rank) || text[1] !== '|') throw new WharfError('INVALID_INPUT', `invalid cursor "${after}": use a cursor from this list`);
  return { rank, key: text.slice(2) };
}

async function countFacets(context: GraphqlContext, rows: SearchFacetRow[]): Promise<SearchFacets> {
  const types = new Map<string, number>();
  const projects = new Map<number, number>();
  for (const row of rows) {
    types.set(row.type, (types.get(row.type) ?? 0) + row.count);
    projects.set(row.projectId, (projects.get(row.projectId) ?? 0) + row.count);
  }
  const projectRows = await Promise.all([...projects.keys()].map((id) => context.loaders.projectById.load(id)));
  return {
    types: [...types].map(([value, count]) => ({ value, count })).sort((left, right) => left.value.localeCompare(right.value)),
    projects: projectRows
      .filter((project) => project !== undefined)
      .map((project) => ({ value: project.name, count: projects.get(project.id) ?? 0 }))
      .sort((left, right) => (left.value < right.value ? -1 : 1)),
  };
}

@Resolver(() => SearchHit)
export class SearchResolver {
  @Query(() => SearchConnection, {
    description:
      'Searches repository paths, tag names, chart names and chart keywords (substring, ignoring case) in the projects the caller may read. Repositories come first, then tags, then charts.',
  })
  async search(
    @Ctx() context: GraphqlContext,
    @Arg('text', () => String) text: string,
    @Arg('types', () => [SearchHitTypeEnum], { nullable: true, description: 'Keep only these kinds of match.' }) types?: SearchHitType[] | null,
    @Arg('projects', () => [String], { nullable: true, description: 'Keep only matches in these projects.' }) projectNames?: string[] | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    const needle = text.trim();
    if (needle.length === 0 || needle.length > MAX_SEARCH_LENGTH) {
      throw new WharfError('INVALID_INPUT', `invalid search text: use 1 to ${MAX_SEARCH_LENGTH} characters`);
    }
    const limit = pageSize(first);
    const position = parseSearchCursor(after);
    const visible = await projectIdsWith(context, ['repository:pull', 'chart:read']);
    const scope: SearchScope = { repositoryProjects: visible['repository:pull'], chartProjects: visible['chart:read'] };
    const projectIds = projectNames ? (await context.services.projects.listPage({ names: projectNames, limit: projectNames.length })).map((project) => project.id) : undefined;

    const { hits: rows, facets: facetRows } = await context.catalog.search.search({
      text: needle,
      scope,
      ...(types ? { types } : {}),
      ...(projectIds ? { projectIds } : {}),
      ...(position ? { after: position } : {}),
      limit: limit + 1,
    });
    const totalCount = facetRows
      .filter((row) => (!types || types.includes(row.type)) && (!projectIds || projectIds.includes(row.projectId)))
      .reduce((sum, row) => sum + row.count, 0);
    const hits = await Promise.all(rows.map((row) => this.#toView(context, row)));
    const connection = toConnection(hits, limit, { kind: 'search', keyOf: (hit) => `${hit.rank}|${hit.name}`, after: after ?? undefined, totalCount });
    return { ...connection, facets: await countFacets(context, facetRows) };
  }

  async #toView(context: GraphqlContext, row: SearchHitRow): Promise<SearchHitView & { rank: number }> {
    const project = await context.loaders.projectById.load(row.projectId);
    return {
      type: row.type,
      rank: row.rank,
      projectId: row.projectId,
      projectName: project?.name ?? '',
      name: row.key,
      matchedKeyword: row.keyword,
      repositoryId: row.repositoryId,
      artifactId: row.artifactId,
      chart: row.chart,
    };
  }

  @FieldResolver(() => String, { nullable: true, description: 'The tag name of a TAG match.' })
  tag(@Root() hit: SearchHitView): string | null {
    return hit.type === 'TAG' ? hit.name.slice(hit.name.lastIndexOf(':') + 1) : null;
  }

  @FieldResolver(() => Repository, { nullable: true, description: 'The repository of a REPOSITORY or TAG match.' })
  async repository(@Root() hit: SearchHitView, @Ctx() context: GraphqlContext): Promise<RepositoryRow | null> {
    if (hit.repositoryId === null) return null;
    return (await context.loaders.catalog.repositoryById.load(hit.repositoryId)) ?? null;
  }

  @FieldResolver(() => Artifact, { nullable: true, description: 'The artifact a TAG match points at.' })
  async artifact(@Root() hit: SearchHitView, @Ctx() context: GraphqlContext): Promise<ArtifactRow | null> {
    if (hit.artifactId === null) return null;
    return (await context.loaders.catalog.artifactById.load(hit.artifactId)) ?? null;
  }

  @FieldResolver(() => Chart, { nullable: true, description: 'The chart of a CHART match.' })
  async chart(@Root() hit: SearchHitView, @Ctx() context: GraphqlContext): Promise<ChartRow | null> {
    if (hit.chart === null) return null;
    return (await context.loaders.catalog.chart.load({ projectId: hit.projectId, name: hit.chart })) ?? null;
  }
}
