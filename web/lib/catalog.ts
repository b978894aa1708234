/**
 * Catalog data: repositories, artifacts, charts, search, quotas and scans.
 *
 * NOTE: these queries name the catalog fields that Wharf's GraphQL API is planned
 * to have (Relay connections of repositories, artifacts and charts, `search`,
 * quota and scan summaries). An API without a field rejects the query with
 * GRAPHQL_VALIDATION_FAILED, and the pages then show that the data is not
 * available. Check each query against schema.graphql when the catalog lands.
 */
import { ApiError, describeError, type ReadableError } from './errors';
import { graphql } from './session';

/** Data for a page section: loaded, not offered by this API yet, or failed. */
export type CatalogResult<T> = { status: 'ok'; data: T } | { status: 'unavailable' } | { status: 'error'; error: ReadableError };

async function load<T>(work: () => Promise<T>): Promise<CatalogResult<T>> {
  try {
    return { status: 'ok', data: await work() };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'GRAPHQL_VALIDATION_FAILED') return { status: 'unavailable' };
    if (!(error instanceof ApiError)) console.error('catalog request failed', error);
    return { status: 'error', error: describeError(error) };
  }
}

export interface Page<T> {
  items: T[];
  totalCount: number | null;
  nextCursor: string | null;
}

interface Connection<T> {
  totalCount?: number | null;
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function toPage<T>(connection: Connection<T>): Page<T> {
  return {
    items: connection.edges.map((edge) => edge.node),
    totalCount: connection.totalCount ?? null,
    nextCursor: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null,
  };
}

const PAGE_FIELDS = 'totalCount pageInfo { hasNextPage endCursor }';

export interface ScanSummary {
  /** For example notScanned, pending, running, finished or failed. */
  status: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
}

const SCAN_FIELDS = 'scanSummary { status critical high medium low unknown }';

export interface RepositorySummary {
  name: string;
  artifactCount: number;
  pullCount: number;
  updatedAt: string | null;
}

export interface Platform {
  os: string;
  architecture: string;
  variant: string | null;
}

export interface ArtifactSummary {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  size: number;
  pushedAt: string | null;
  pulledAt: string | null;
  tags: { name: string }[];
  platforms: Platform[];
  signed: boolean;
  scanSummary: ScanSummary | null;
}

const ARTIFACT_SUMMARY_FIELDS = `digest mediaType artifactType size pushedAt pulledAt tags { name }
  platforms { os architecture variant } signed ${SCAN_FIELDS}`;

export interface Vulnerability {
  id: string;
  severity: string;
  packageName: string;
  installedVersion: string;
  fixedVersion: string | null;
  title: string | null;
}

export interface ArtifactDetail extends ArtifactSummary {
  manifest: string;
  config: string | null;
  history: { createdBy: string | null; created: string | null; emptyLayer: boolean }[];
  layers: { digest: string; mediaType: string; size: number }[];
  referrers: { digest: string; artifactType: string | null; mediaType: string }[];
  vulnerabilities: Vulnerability[];
}

export interface ChartSummary {
  name: string;
  latestVersion: string;
  description: string | null;
  versionCount: number;
  updatedAt: string | null;
}

export interface ChartVersionDetail {
  version: string;
  appVersion: string | null;
  description: string | null;
  createdAt: string | null;
  readme: string | null;
  values: string | null;
  dependencies: { name: string; version: string; repository: string | null }[];
  images: { reference: string; inWharf: boolean; scanSummary: ScanSummary | null }[];
}

export interface ChartDetail {
  name: string;
  versions: { version: string; appVersion: string | null; createdAt: string | null }[];
  selected: ChartVersionDetail | null;
}

export interface Quota {
  /** Storage limit in bytes; null when unlimited. */
  limit: number | null;
  used: number;
}

export type SearchKind = 'image' | 'chart';

export interface SearchHit {
  kind: SearchKind;
  project: string;
  name: string;
  /** Tag or chart version that matched, when the hit is below the repository or chart. */
  reference: string | null;
  description: string | null;
}

export interface SearchFacet {
  value: string;
  count: number;
}

export interface SearchResults {
  hits: Page<SearchHit>;
  kinds: SearchFacet[];
  projects: SearchFacet[];
}

export function listRepositories(project: string, options: { first: number; after?: string }): Promise<CatalogResult<Page<RepositorySummary>>> {
  return load(async () => {
    const data = await graphql<{ repositories: Connection<RepositorySummary> }>(
      `query Repositories($project: String!, $first: Int!, $after: String) {
        repositories(project: $project, first: $first, after: $after) {
          ${PAGE_FIELDS} edges { node { name artifactCount pullCount updatedAt } }
        }
      }`,
      { project, first: options.first, after: options.after ?? null },
    );
    return toPage(data.repositories);
  });
}

export function listArtifacts(repository: string, options: { first: number; after?: string }): Promise<CatalogResult<Page<ArtifactSummary>>> {
  return load(async () => {
    const data = await graphql<{ artifacts: Connection<ArtifactSummary> }>(
      `query Artifacts($repository: String!, $first: Int!, $after: String) {
        artifacts(repository: $repository, first: $first, after: $after) {
          ${PAGE_FIELDS} edges { node { ${ARTIFACT_SUMMARY_FIELDS} } }
        }
      }`,
      { repository, first: options.first, after: options.after ?? null },
    );
    return toPage(data.artifacts);
  });
}

/** Loads one artifact by tag or digest; data is null when it does not exist. */
export function getArtifact(repository: string, reference: string): Promise<CatalogResult<ArtifactDetail | null>> {
  return load(async () => {
    const data = await graphql<{ artifact: ArtifactDetail | null }>(
      `query Artifact($repository: String!, $reference: String!) {
        artifact(repository: $repository, reference: $reference) {
          ${ARTIFACT_SUMMARY_FIELDS} manifest config
          history { createdBy created emptyLayer }
          layers { digest mediaType size }
          referrers { digest artifactType mediaType }
          vulnerabilities { id severity packageName installedVersion fixedVersion title }
        }
      }`,
      { repository, reference },
    );
    return data.artifact;
  });
}

export function listCharts(project: string, options: { first: number; after?: string }): Promise<CatalogResult<Page<ChartSummary>>> {
  return load(async () => {
    const data = await graphql<{ charts: Connection<ChartSummary> }>(
      `query Charts($project: String!, $first: Int!, $after: String) {
        charts(project: $project, first: $first, after: $after) {
          ${PAGE_FIELDS} edges { node { name latestVersion description versionCount updatedAt } }
        }
      }`,
      { project, first: options.first, after: options.after ?? null },
    );
    return toPage(data.charts);
  });
}

/** Loads a chart with its versions and the details of one version (the latest when none is given). */
export function getChart(project: string, name: string, version: string | undefined): Promise<CatalogResult<ChartDetail | null>> {
  return load(async () => {
    const data = await graphql<{ chart: ChartDetail | null }>(
      `query Chart($project: String!, $name: String!, $version: String) {
        chart(project: $project, name: $name) {
          name
          versions { version appVersion createdAt }
          selected: version(version: $version) {
            version appVersion description createdAt readme values
            dependencies { name version repository }
            images { reference inWharf ${SCAN_FIELDS} }
          }
        }
      }`,
      { project, name, version: version ?? null },
    );
    return data.chart;
  });
}

export function getQuota(project: string): Promise<CatalogResult<Quota | null>> {
  return load(async () => {
    const data = await graphql<{ project: { quota: Quota } | null }>(
      `query Quota($project: String!) { project(name: $project) { quota { limit used } } }`,
      { project },
    );
    return data.project?.quota ?? null;
  });
}

export function search(options: {
  query: string;
  kind?: SearchKind;
  project?: string;
  first: number;
  after?: string;
}): Promise<CatalogResult<SearchResults>> {
  return load(async () => {
    const data = await graphql<{
      search: Connection<SearchHit> & { facets: { kinds: SearchFacet[]; projects: SearchFacet[] } };
    }>(
      `query Search($query: String!, $kind: SearchKind, $project: String, $first: Int!, $after: String) {
        search(query: $query, kind: $kind, project: $project, first: $first, after: $after) {
          ${PAGE_FIELDS}
          edges { node { kind project name reference description } }
          facets { kinds { value count } projects { value count } }
        }
      }`,
      { query: options.query, kind: options.kind ?? null, project: options.project ?? null, first: options.first, after: options.after ?? null },
    );
    return { hits: toPage(data.search), kinds: data.search.facets.kinds, projects: data.search.facets.projects };
  });
}
