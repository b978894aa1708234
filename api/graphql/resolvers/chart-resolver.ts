import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { ChartDependency as ChartDependencyRecord } from '../../../charts-repo/chart/chart-metadata.ts';
import type { ArtifactRow } from '../../catalog/artifact-reader.ts';
import type { ChartRow, ChartVersionRow } from '../../catalog/chart-reader.ts';
import { parseWharfImageReference } from '../../catalog/image-reference.ts';
import { WharfError } from '../../errors/catalog.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import { requireProjectPermission } from '../access.ts';
import { canInProject } from '../catalog-access.ts';
import type { GraphqlContext } from '../context.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../pagination.ts';
import { Artifact } from '../types/artifact.ts';
import { Chart, ChartConnection, ChartDependency, ChartImage, ChartVersion, ChartVersionConnection } from '../types/chart.ts';
import { Project } from '../types/project.ts';

/** A chart version as the GraphQL type reads it: the row with its Chart.yaml fields spread out. */
export interface ChartVersionView extends ChartVersion {
  projectId: number;
  manifestDigest: string | null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function toChartVersionView(row: ChartVersionRow): ChartVersionView {
  const entry = row.entry;
  const maintainers = Array.isArray(entry.maintainers) ? (entry.maintainers as Record<string, unknown>[]) : [];
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    version: row.version,
    appVersion: textOrNull(entry.appVersion),
    apiVersion: entry.apiVersion,
    description: textOrNull(entry.description),
    type: textOrNull(entry.type),
    home: textOrNull(entry.home),
    icon: textOrNull(entry.icon),
    keywords: textList(entry.keywords),
    sources: textList(entry.sources),
    maintainers: maintainers.map((maintainer) => ({ name: textOrNull(maintainer.name), email: textOrNull(maintainer.email), url: textOrNull(maintainer.url) })),
    deprecated: entry.deprecated === true,
    kubeVersion: textOrNull(entry.kubeVersion),
    annotations: (entry.annotations as Record<string, string> | undefined) ?? null,
    digest: `sha256:${row.digest.replace(/^sha256:/, '')}`,
    size: row.size,
    hasProvenance: row.provDigest !== null,
    source: row.source,
    createdAt: row.createdAt,
    manifestDigest: row.manifestDigest,
  };
}

function isPrerelease(version: string): boolean {
  return version.split('+')[0]!.includes('-');
}

async function loadChart(context: GraphqlContext, project: ProjectSummary, name: string): Promise<ChartRow> {
  const chart = await context.loaders.catalog.chart.load({ projectId: project.id, name });
  if (!chart) throw new WharfError('NOT_FOUND', `chart "${name}" not found in project "${project.name}"`);
  return chart;
}

/** Lists a project's charts for a caller already allowed to read them. */
export async function listCharts(
  context: GraphqlContext,
  project: ProjectSummary,
  args: { first?: number | null; after?: string | null; query?: string | null },
): Promise<Connection<ChartRow>> {
  const limit = pageSize(args.first);
  const after = decodeCursor('chart', args.after);
  const query = args.query ?? undefined;
  const [rows, totalCount] = await Promise.all([
    context.catalog.charts.listPage({ projectId: project.id, ...(query ? { query } : {}), ...(after !== undefined ? { after } : {}), limit: limit + 1 }),
    context.catalog.charts.count(project.id, query),
  ]);
  for (const row of rows) context.loaders.catalog.chart.prime({ projectId: row.projectId, name: row.name }, row);
  return toConnection(rows, limit, { kind: 'chart', keyOf: (row) => row.name, after, totalCount });
}

@Resolver(() => Chart)
export class ChartResolver {
  @Query(() => Chart, { description: 'A Helm chart by project and name. Needs chart:read; NOT_FOUND when missing or not visible.' })
  async chart(@Ctx() context: GraphqlContext, @Arg('project', () => String) projectName: string, @Arg('name', () => String) name: string): Promise<ChartRow> {
    return loadChart(context, await requireProjectPermission(context, projectName, 'chart:read'), name);
  }

  @Query(() => ChartConnection, { description: "A project's Helm charts by name. Needs chart:read." })
  async charts(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('query', () => String, { nullable: true, description: 'Keep charts whose name or a keyword contains this text, ignoring case.' })
    query?: string | null,
  ): Promise<Connection<ChartRow>> {
    const project = await requireProjectPermission(context, projectName, 'chart:read');
    return listCharts(context, project, { first, after, query });
  }

  @FieldResolver(() => Project)
  async project(@Root() chart: ChartRow, @Ctx() context: GraphqlContext): Promise<ProjectSummary> {
    return (await context.loaders.projectById.load(chart.projectId))!;
  }

  @FieldResolver(() => ChartVersion, { nullable: true, description: 'Newest version that is not a pre-release, else the newest.' })
  async latestVersion(@Root() chart: ChartRow, @Ctx() context: GraphqlContext): Promise<ChartVersionView | null> {
    const versions = await context.loaders.catalog.chartVersions.load({ projectId: chart.projectId, name: chart.name });
    const latest = versions.find((version) => !isPrerelease(version.version)) ?? versions[0];
    return latest ? toChartVersionView(latest) : null;
  }

  @FieldResolver(() => ChartVersion, { nullable: true, description: 'One version by its exact version string.' })
  async version(@Root() chart: ChartRow, @Ctx() context: GraphqlContext, @Arg('version', () => String) version: string): Promise<ChartVersionView | null> {
    const versions = await context.loaders.catalog.chartVersions.load({ projectId: chart.projectId, name: chart.name });
    const found = versions.find((row) => row.version === version);
    return found ? toChartVersionView(found) : null;
  }

  @FieldResolver(() => ChartVersionConnection, { description: 'Versions, newest first by SemVer precedence.' })
  async versions(
    @Root() chart: ChartRow,
    @Ctx() context: GraphqlContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<ChartVersionView>> {
    const limit = pageSize(first);
    const afterVersion = decodeCursor('chart-version', after);
    const all = await context.loaders.catalog.chartVersions.load({ projectId: chart.projectId, name: chart.name });
    const start = afterVersion === undefined ? 0 : all.findIndex((row) => row.version === afterVersion) + 1;
    if (afterVersion !== undefined && start === 0) throw new WharfError('INVALID_INPUT', `invalid cursor "${after}": version ${afterVersion} no longer exists`);
    const rows = all.slice(start, start + limit + 1).map(toChartVersionView);
    return toConnection(rows, limit, { kind: 'chart-version', keyOf: (row) => row.version, after: afterVersion, totalCount: all.length });
  }
}

@Resolver(() => ChartVersion)
export class ChartVersionResolver {
  @FieldResolver(() => String, { nullable: true, description: 'README of the chart, as written.' })
  async readme(@Root() version: ChartVersionView, @Ctx() context: GraphqlContext): Promise<string | null> {
    return (await context.loaders.catalog.chartDetails.load(version.id))?.readme ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'values.yaml as written.' })
  async values(@Root() version: ChartVersionView, @Ctx() context: GraphqlContext): Promise<string | null> {
    return (await context.loaders.catalog.chartDetails.load(version.id))?.values ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'values.schema.json as written.' })
  async valuesSchema(@Root() version: ChartVersionView, @Ctx() context: GraphqlContext): Promise<string | null> {
    return (await context.loaders.catalog.chartDetails.load(version.id))?.valuesSchema ?? null;
  }

  @FieldResolver(() => [ChartDependency])
  async dependencies(@Root() version: ChartVersionView, @Ctx() context: GraphqlContext): Promise<ChartDependency[]> {
    const dependencies: ChartDependencyRecord[] = (await context.loaders.catalog.chartDetails.load(version.id))?.dependencies ?? [];
    return dependencies.map((dependency) => ({
      name: dependency.name,
      version: dependency.version ?? null,
      repository: dependency.repository,
      condition: dependency.condition ?? null,
      alias: dependency.alias ?? null,
    }));
  }

  @FieldResolver(() => [ChartImage], { description: 'Container images found in the default values and the templates, sorted.' })
  async images(@Root() version: ChartVersionView, @Ctx() context: GraphqlContext): Promise<ChartImage[]> {
    const references = (await context.loaders.catalog.chartDetails.load(version.id))?.images ?? [];
    const wharfHost = new URL(context.services.config.externalUrl).host;
    return Promise.all(references.map(async (reference) => ({ reference, inWharf: await isInWharf(context, reference, wharfHost) })));
  }

  @FieldResolver(() => Artifact, { nullable: true, description: 'The OCI artifact of the chart in repository project/name, when the caller may pull it.' })
  async artifact(@Root() version: ChartVersionView, @Ctx() context: GraphqlContext): Promise<ArtifactRow | null> {
    if (version.manifestDigest === null || !(await canInProject(context, version.projectId, 'repository:pull'))) return null;
    const project = await context.loaders.projectById.load(version.projectId);
    const repository = project ? await context.loaders.catalog.repositoryByName.load(`${project.name}/${version.name}`) : undefined;
    if (!repository) return null;
    return (await context.loaders.catalog.artifactByDigest.load({ repositoryId: repository.id, digest: version.manifestDigest })) ?? null;
  }
}

/** True when the reference names a tag or digest stored in a Wharf repository the caller may pull from. */
async function isInWharf(context: GraphqlContext, reference: string, wharfHost: string): Promise<boolean> {
  const parsed = parseWharfImageReference(reference, wharfHost);
  if (!parsed) return false;
  const repository = await context.loaders.catalog.repositoryByName.load(parsed.repository);
  if (!repository || !(await canInProject(context, repository.projectId, 'repository:pull'))) return false;

  const artifact = parsed.digest
    ? await context.loaders.catalog.artifactByDigest.load({ repositoryId: repository.id, digest: parsed.digest })
    : await context.loaders.catalog.artifactByTag.load({ repositoryId: repository.id, tag: parsed.tag! });
  return artifact !== undefined;
}
