/**
 * Catalog data: repositories, artifacts, charts, search, quotas and scans, read
 * through Wharf's GraphQL API. A server whose API lacks a field rejects the query
 * with GRAPHQL_VALIDATION_FAILED, and the pages then state that the data is not
 * available instead of showing anything in its place.
 */
import { ApiError, describeError, type ReadableError } from './errors';
import { graphql } from './session';

/** Data for a page section: loaded, not offered by this API, or failed. */
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

/** Runs a query for one object and returns null when the API reports NOT_FOUND. */
async function orNull<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return null;
    throw error;
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

/** Counts of the latest scan; the counts are null while status is NOT_SCANNED. */
export interface ScanSummary {
  status: 'NOT_SCANNED' | 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  critical: number | null;
  high: number | null;
  medium: number | null;
  low: number | null;
  other: number | null;
}

const SCAN_FIELDS = 'scan { status critical high medium low other }';

export interface RepositorySummary {
  name: string;
  path: string;
  artifactCount: number;
  tagCount: number;
  size: number;
  pushedAt: string | null;
  pulledAt: string | null;
}

export interface Platform {
  os: string | null;
  architecture: string | null;
  variant: string | null;
}

/** A project label on an artifact; `color` is #rrggbb or null. */
export interface Label {
  name: string;
  color: string | null;
}

export type ArtifactKind = 'IMAGE' | 'IMAGE_INDEX' | 'CHART' | 'SIGNATURE' | 'SBOM' | 'OTHER';

export interface ArtifactSummary {
  digest: string;
  kind: ArtifactKind;
  mediaType: string;
  artifactType: string | null;
  size: number;
  pushedAt: string;
  pulledAt: string | null;
  tags: { name: string; immutable: boolean }[];
  platforms: Platform[];
  referrers: { kind: ArtifactKind }[];
  labels: Label[];
  /** Null when the caller may not read scan results. */
  scan: ScanSummary | null;
}

const ARTIFACT_SUMMARY_FIELDS = `digest kind mediaType artifactType size pushedAt pulledAt
  tags { name immutable } platforms { os architecture variant } referrers { kind } labels { name color } ${SCAN_FIELDS}`;

/** True when a signature (cosign or Notation) refers to the artifact. */
export function isSigned(artifact: Pick<ArtifactSummary, 'referrers'>): boolean {
  return artifact.referrers.some((referrer) => referrer.kind === 'SIGNATURE');
}

export interface Vulnerability {
  id: string;
  cve: string | null;
  severity: string;
  packageName: string;
  installedVersion: string;
  fixedVersion: string | null;
  summary: string;
}

export interface VulnerabilityReport {
  status: string;
  error: string | null;
  finishedAt: string;
  operatingSystem: string | null;
  packageCount: number;
  scanner: string;
  scannerVersion: string;
  vulnerabilities: Vulnerability[];
}

export interface Descriptor {
  digest: string;
  mediaType: string;
  size: number;
}

export interface ImageHistoryStep {
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  emptyLayer: boolean;
}

export interface ArtifactDetail extends Omit<ArtifactSummary, 'referrers'> {
  manifestSize: number;
  annotations: Record<string, unknown> | null;
  subjectDigest: string | null;
  config: Descriptor | null;
  /** The manifest exactly as stored, or null when it is not UTF-8 text. */
  manifest: string | null;
  /** The config document when it is JSON and small enough for the API to return it. */
  configJson: string | null;
  /** Build steps from the config, oldest first, or null when the config document is not available. */
  history: ImageHistoryStep[] | null;
  layers: Descriptor[];
  platforms: (Platform & { digest: string; size: number })[];
  referrers: (Descriptor & { kind: ArtifactKind; artifactType: string | null; pushedAt: string })[];
  vulnerabilityReport: VulnerabilityReport | null;
}

export interface ChartVersionSummary {
  version: string;
  appVersion: string | null;
  description: string | null;
  deprecated: boolean;
  createdAt: string;
}

export interface ChartSummary {
  name: string;
  versionCount: number;
  updatedAt: string;
  latestVersion: ChartVersionSummary | null;
}

export interface ChartImage {
  reference: string;
  inWharf: boolean;
}

export interface ChartVersionDetail extends ChartVersionSummary {
  apiVersion: string;
  type: string | null;
  kubeVersion: string | null;
  home: string | null;
  sources: string[];
  keywords: string[];
  maintainers: { name: string | null; email: string | null; url: string | null }[];
  digest: string;
  size: number;
  readme: string | null;
  values: string | null;
  dependencies: { name: string; version: string | null; repository: string; alias: string | null; condition: string | null }[];
  images: ChartImage[];
}

export interface ChartDetail {
  name: string;
  versionCount: number;
  versions: Page<ChartVersionSummary>;
  /** The requested version, or the latest one when none was requested; null when it does not exist. */
  selected: ChartVersionDetail | null;
}

export interface Quota {
  /** Storage limit in bytes; -1 when unlimited. */
  limit: number;
  used: number;
}

export type SearchHitType = 'REPOSITORY' | 'TAG' | 'CHART';

export interface SearchHit {
  type: SearchHitType;
  name: string;
  projectName: string;
  tag: string | null;
  matchedKeyword: string | null;
  repository: { name: string } | null;
  artifact: { digest: string } | null;
  chart: { name: string; latestVersion: { description: string | null } | null } | null;
}

export interface SearchFacet {
  value: string;
  count: number;
}

export interface SearchResults {
  hits: Page<SearchHit>;
  types: SearchFacet[];
  projects: SearchFacet[];
}

export function listRepositories(
  project: string,
  options: { first: number; after?: string; query?: string },
): Promise<CatalogResult<Page<RepositorySummary>>> {
  return load(async () => {
    const data = await graphql<{ repositories: Connection<RepositorySummary> }>(
      `query Repositories($project: String!, $first: Int!, $after: String, $query: String) {
        repositories(project: $project, first: $first, after: $after, query: $query) {
          ${PAGE_FIELDS} edges { node { name path artifactCount tagCount size pushedAt pulledAt } }
        }
      }`,
      { project, first: options.first, after: options.after ?? null, query: options.query ?? null },
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

/** Loads one artifact by tag or digest; data is null when it does not exist or is hidden. */
export function getArtifact(repository: string, reference: string): Promise<CatalogResult<ArtifactDetail | null>> {
  return load(() =>
    orNull(async () => {
      const data = await graphql<{ artifact: ArtifactDetail }>(
        `query Artifact($repository: String!, $reference: String!) {
          artifact(repository: $repository, reference: $reference) {
            digest kind mediaType artifactType size manifestSize pushedAt pulledAt annotations subjectDigest
            tags { name immutable } labels { name color } ${SCAN_FIELDS}
            platforms { os architecture variant digest size }
            config { digest mediaType size }
            manifest configJson history { created createdBy comment emptyLayer }
            layers { digest mediaType size }
            referrers { digest kind mediaType artifactType size pushedAt }
            vulnerabilityReport {
              status error finishedAt operatingSystem packageCount scanner scannerVersion
              vulnerabilities { id cve severity packageName installedVersion fixedVersion summary }
            }
          }
        }`,
        { repository, reference },
      );
      return data.artifact;
    }),
  );
}

/** Loads the scan summary of an image by repository and tag or digest; null when it is not visible. */
export function getScanSummary(repository: string, reference: string): Promise<CatalogResult<ScanSummary | null>> {
  return load(() =>
    orNull(async () => {
      const data = await graphql<{ artifact: { scan: ScanSummary | null } }>(
        `query ImageScan($repository: String!, $reference: String!) {
          artifact(repository: $repository, reference: $reference) { ${SCAN_FIELDS} }
        }`,
        { repository, reference },
      );
      return data.artifact.scan;
    }),
  );
}

const CHART_VERSION_SUMMARY_FIELDS = 'version appVersion description deprecated createdAt';

export function listCharts(project: string, options: { first: number; after?: string; query?: string }): Promise<CatalogResult<Page<ChartSummary>>> {
  return load(async () => {
    const data = await graphql<{ charts: Connection<ChartSummary> }>(
      `query Charts($project: String!, $first: Int!, $after: String, $query: String) {
        charts(project: $project, first: $first, after: $after, query: $query) {
          ${PAGE_FIELDS}
          edges { node { name versionCount updatedAt latestVersion { ${CHART_VERSION_SUMMARY_FIELDS} } } }
        }
      }`,
      { project, first: options.first, after: options.after ?? null, query: options.query ?? null },
    );
    return toPage(data.charts);
  });
}

/** Number of versions listed beside a chart; older ones page with `versionsAfter`. */
const CHART_VERSIONS_PAGE = 30;

/**
 * Loads a chart with a page of its versions and the details of one version (the
 * latest when none is given). Data is null when the chart does not exist or is hidden.
 */
export function getChart(
  project: string,
  name: string,
  options: { version?: string; versionsAfter?: string },
): Promise<CatalogResult<ChartDetail | null>> {
  return load(() =>
    orNull(async () => {
      const data = await graphql<{
        chart: {
          name: string;
          versionCount: number;
          versions: Connection<ChartVersionSummary>;
          requested?: ChartVersionDetail | null;
          latest?: ChartVersionDetail | null;
        };
      }>(
        `query Chart($project: String!, $name: String!, $version: String!, $pinned: Boolean!, $first: Int!, $after: String) {
          chart(project: $project, name: $name) {
            name versionCount
            versions(first: $first, after: $after) { ${PAGE_FIELDS} edges { node { ${CHART_VERSION_SUMMARY_FIELDS} } } }
            requested: version(version: $version) @include(if: $pinned) { ...ChartVersionDetail }
            latest: latestVersion @skip(if: $pinned) { ...ChartVersionDetail }
          }
        }
        fragment ChartVersionDetail on ChartVersion {
          ${CHART_VERSION_SUMMARY_FIELDS} apiVersion type kubeVersion home sources keywords
          maintainers { name email url } digest size readme values
          dependencies { name version repository alias condition }
          images { reference inWharf }
        }`,
        {
          project,
          name,
          version: options.version ?? '',
          pinned: options.version !== undefined,
          first: CHART_VERSIONS_PAGE,
          after: options.versionsAfter ?? null,
        },
      );
      const chart = data.chart;
      return {
        name: chart.name,
        versionCount: chart.versionCount,
        versions: toPage(chart.versions),
        selected: (options.version !== undefined ? chart.requested : chart.latest) ?? null,
      };
    }),
  );
}

/** Loads a project's storage limit and usage; data is null when the caller may not read it. */
export function getQuota(project: string): Promise<CatalogResult<Quota | null>> {
  return load(async () => {
    const data = await graphql<{ project: { quota: Quota | null } | null }>(
      `query Quota($project: String!) { project(name: $project) { quota { limit used } } }`,
      { project },
    );
    return data.project?.quota ?? null;
  });
}

export function search(options: {
  text: string;
  type?: SearchHitType;
  project?: string;
  first: number;
  after?: string;
}): Promise<CatalogResult<SearchResults>> {
  return load(async () => {
    const data = await graphql<{
      search: Connection<SearchHit> & { facets: { types: SearchFacet[]; projects: SearchFacet[] } };
    }>(
      `query Search($text: String!, $types: [SearchHitType!], $projects: [String!], $first: Int!, $after: String) {
        search(text: $text, types: $types, projects: $projects, first: $first, after: $after) {
          ${PAGE_FIELDS}
          edges { node {
            type name projectName tag matchedKeyword
            repository { name } artifact { digest }
            chart { name latestVersion { description } }
          } }
          facets { types { value count } projects { value count } }
        }
      }`,
      {
        text: options.text,
        types: options.type ? [options.type] : null,
        projects: options.project ? [options.project] : null,
        first: options.first,
        after: options.after ?? null,
      },
    );
    return { hits: toPage(data.search), types: data.search.facets.types, projects: data.search.facets.projects };
  });
}

/** Queues a scan of an artifact by tag or digest and returns the job's status. */
export async function scanArtifact(repository: string, reference: string): Promise<string> {
  const data = await graphql<{ scanArtifact: { status: string } }>(
    `mutation ScanArtifact($repository: String!, $reference: String!) {
      scanArtifact(repository: $repository, reference: $reference) { status }
    }`,
    { repository, reference },
  );
  return data.scanArtifact.status;
}
