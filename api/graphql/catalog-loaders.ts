import DataLoader from 'dataloader';
import type { ChartDetails } from '../../charts-repo/chart/chart-details.ts';
import type { ArtifactKind } from '../catalog/artifact-kind.ts';
import type { ArtifactPageOptions, ArtifactRow, ReferenceRow, TagRow } from '../catalog/artifact-reader.ts';
import type { ChartRow, ChartVersionRow } from '../catalog/chart-reader.ts';
import type { ConfigDescriptor } from '../catalog/config-document.ts';
import type { CatalogReaders } from '../catalog/index.ts';
import type { RepositoryRow, RepositoryStats } from '../catalog/repository-reader.ts';
import type { Prisma } from '../db/client.ts';
import type { ArtifactLabelRecord, LabelService } from '../labels/label-service.ts';
import type { Selector } from '../retention/selectors.ts';
import type { ScanSummaryRecord } from '../catalog/scan-summary-reader.ts';

export interface ArtifactPageKey extends ArtifactPageOptions {
  repositoryId: number;
}


export interface ImmutableRule {
  repository: Selector;
  tag: Selector;
}

type ChartKey = { projectId: number; name: string };
type DigestKey = { repositoryId: number; digest: string };

/**
 * Per-request loaders of the catalog, so that a page of repositories with
 * their artifacts, tags, sizes and scan summaries costs one statement per kind
 * of data whatever the page size.
 */
export interface CatalogLoaders {
  repositoryById: DataLoader<number, RepositoryRow | undefined>;
  repositoryByName: DataLoader<string, RepositoryRow | undefined>;
  repositoryStats: DataLoader<number, RepositoryStats | undefined>;
  artifactPage: DataLoader<ArtifactPageKey, ArtifactRow[], string>;
  artifactCount: DataLoader<{ repositoryId: number; kind?: ArtifactKind | undefined }, number, string>;
  artifactById: DataLoader<number, ArtifactRow | undefined>;
  artifactByDigest: DataLoader<DigestKey, ArtifactRow | undefined, string>;
  artifactByTag: DataLoader<{ repositoryId: number; tag: string }, ArtifactRow | undefined, string>;
  referrers: DataLoader<DigestKey, ArtifactRow[], string>;
  tagsByArtifact: DataLoader<number, TagRow[]>;
  referencesByArtifact: DataLoader<number, ReferenceRow[]>;
  manifestByArtifact: DataLoader<number, Uint8Array | undefined>;
  /** Config JSON text by descriptor, or undefined when it is not JSON, too large or unreadable. */
  configDocument: DataLoader<ConfigDescriptor, string | undefined, string>;
  immutableRulesByProject: DataLoader<number, ImmutableRule[]>;
  scanSummary: DataLoader<number, ScanSummaryRecord>;
  labelsByArtifact: DataLoader<number, ArtifactLabelRecord[]>;
  quotaByProject: DataLoader<number, { limit: number; used: number } | undefined>;
  chart: DataLoader<ChartKey, ChartRow | undefined, string>;
  chartVersions: DataLoader<ChartKey, ChartVersionRow[], string>;
  chartVersionById: DataLoader<number, ChartVersionRow | undefined>;
  chartDetails: DataLoader<number, ChartDetails | undefined>;
}


function byKey<Row, Key>(rows: Row[], keyOf: (row: Row) => Key): Map<Key, Row> {
  return new Map(rows.map((row) => [keyOf(row), row]));
}

function groupBy<Row, Key>(rows: Row[], keyOf: (row: Row) => Key): Map<Key, Row[]> {
  const groups = new Map<Key, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

const digestKey = (key: DigestKey) => `${key.repositoryId}@${key.digest}`;

/** Number of config blobs read from storage at once, so that one page does not open a stream per artifact. */
const CONFIG_READS_AT_ONCE = 8;

/** Reads config documents a few at a time, in the order of `configs`. */
async function loadConfigDocuments(readers: CatalogReaders, configs: readonly ConfigDescriptor[]): Promise<(string | undefined)[]> {
  const documents: (string | undefined)[] = [];
  for (let start = 0; start < configs.length; start += CONFIG_READS_AT_ONCE) {
    const chunk = configs.slice(start, start + CONFIG_READS_AT_ONCE);
    documents.push(...(await Promise.all(chunk.map((config) => readers.configs.read(config)))));
  }
  return documents;
}
const chartKey = (key: ChartKey) => `${key.projectId}/${key.name}`;

/** Pages artifacts for many repositories, one statement per distinct set of page options. */
async function loadArtifactPages(readers: CatalogReaders, keys: readonly ArtifactPageKey[]): Promise<ArtifactRow[][]> {
  const groups = groupBy([...keys], (key) => JSON.stringify({ limit: key.limit, sort: key.sort, after: key.after, kind: key.kind }));
  const pages = new Map<string, ArtifactRow[]>();
  for (const group of groups.values()) {
    const { repositoryId: _ignored, ...options } = group[0]!;
    const result = await readers.artifacts.pageByRepositories(group.map((key) => key.repositoryId), options);
    for (const key of group) pages.set(JSON.stringify(key), result.get(key.repositoryId) ?? []);
  }
  return keys.map((key) => pages.get(JSON.stringify(key)) ?? []);
}

async function loadArtifactCounts(readers: CatalogReaders, keys: readonly { repositoryId: number; kind?: ArtifactKind | undefined }[]): Promise<number[]> {
  const groups = groupBy([...keys], (key) => key.kind ?? '');
  const counts = new Map<string, number>();
  for (const [kind, group] of groups) {
    const result = await readers.artifacts.countByRepositories(group.map((key) => key.repositoryId), kind === '' ? undefined : (kind as ArtifactKind));
    for (const key of group) counts.set(`${key.repositoryId}:${kind}`, result.get(key.repositoryId) ?? 0);
  }
  return keys.map((key) => counts.get(`${key.repositoryId}:${key.kind ?? ''}`) ?? 0);
}

export function createCatalogLoaders(readers: CatalogReaders, labels: LabelService, prisma: Prisma): CatalogLoaders {
  return {
    repositoryById: new DataLoader(async (ids) => {
      const rows = byKey(await readers.repositories.getMany(ids), (row) => row.id);
      return ids.map((id) => rows.get(id));
    }),
    repositoryByName: new DataLoader(async (names) => {
      const rows = byKey(await readers.repositories.findManyByName(names), (row) => row.name);
      return names.map((name) => rows.get(name));
    }),
    repositoryStats: new DataLoader(async (ids) => {
      const rows = byKey(await readers.repositories.statsOf(ids), (row) => row.repositoryId);
      return ids.map((id) => rows.get(id));
    }),
    artifactPage: new DataLoader((keys) => loadArtifactPages(readers, keys), { cacheKeyFn: (key) => JSON.stringify(key) }),
    artifactCount: new DataLoader((keys) => loadArtifactCounts(readers, keys), { cacheKeyFn: (key) => `${key.repositoryId}:${key.kind ?? ''}` }),
    artifactById: new DataLoader(async (ids) => {
      const rows = byKey(await readers.artifacts.getMany(ids), (row) => row.id);
      return ids.map((id) => rows.get(id));
    }),
    artifactByDigest: new DataLoader(
      async (keys) => {
        const rows = byKey(await readers.artifacts.findByDigests(keys), (row) => digestKey(row));
        return keys.map((key) => rows.get(digestKey(key)));
      },
      { cacheKeyFn: digestKey },
    ),
    artifactByTag: new DataLoader(
      async (keys) => {
        const rows = byKey(await readers.artifacts.findByTags(keys), (row) => `${row.repositoryId}:${row.tag}`);
        return keys.map((key) => rows.get(`${key.repositoryId}:${key.tag}`));
      },
      { cacheKeyFn: (key) => `${key.repositoryId}:${key.tag}` },
    ),
    referrers: new DataLoader(
      async (keys) => {
        const rows = groupBy(await readers.artifacts.referrersOf(keys), (row) => `${row.repositoryId}@${row.subjectDigest}`);
        return keys.map((key) => rows.get(digestKey(key)) ?? []);
      },
      { cacheKeyFn: digestKey },
    ),
    tagsByArtifact: new DataLoader(async (ids) => {
      const rows = groupBy(await readers.artifacts.tagsOf(ids), (row) => row.artifactId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
    referencesByArtifact: new DataLoader(async (ids) => {
      const rows = groupBy(await readers.artifacts.referencesOf(ids), (row) => row.artifactId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
    manifestByArtifact: new DataLoader(async (ids) => {
      const rows = byKey(await readers.artifacts.manifestsOf(ids), (row) => row.artifactId);
      return ids.map((id) => rows.get(id)?.content);
    }),
    configDocument: new DataLoader((configs) => loadConfigDocuments(readers, configs), {
      cacheKeyFn: (config) => `${config.digest} ${config.mediaType}`,
    }),
    immutableRulesByProject: new DataLoader(async (projectIds) => {
      const rules = await prisma.immutableTagRule.findMany({ where: { projectId: { in: [...projectIds] } }, orderBy: { id: 'asc' } });
      const rows = groupBy(rules, (rule) => rule.projectId);
      return projectIds.map((id) =>
        (rows.get(id) ?? []).map((rule) => ({
          repository: { pattern: rule.repositoryPattern, exclude: rule.repositoryExclude },
          tag: { pattern: rule.tagPattern, exclude: rule.tagExclude },
        })),
      );
    }),
    scanSummary: new DataLoader(async (ids) => {
      const summaries = await readers.scans.summariesOf(ids);
      return ids.map((id) => summaries.get(id)!);
    }),
    labelsByArtifact: new DataLoader(async (ids) => {
      const rows = groupBy(await labels.labelsOf(ids), (row) => row.artifactId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
    quotaByProject: new DataLoader(async (projectIds) => {
      const projects = await prisma.project.findMany({ where: { id: { in: [...projectIds] } }, select: { id: true, storageLimit: true, storageUsed: true } });
      const rows = byKey(projects, (project) => project.id);
      return projectIds.map((id) => {
        const project = rows.get(id);
        return project ? { limit: Number(project.storageLimit), used: Number(project.storageUsed) } : undefined;
      });
    }),
    chart: new DataLoader(
      async (keys) => {
        const rows = byKey(await readers.charts.findCharts(keys), chartKey);
        return keys.map((key) => rows.get(chartKey(key)));
      },
      { cacheKeyFn: chartKey },
    ),
    chartVersions: new DataLoader(
      async (keys) => {
        const rows = groupBy(await readers.charts.versionsOf(keys), chartKey);
        return keys.map((key) => rows.get(chartKey(key)) ?? []);
      },
      { cacheKeyFn: chartKey },
    ),
    chartVersionById: new DataLoader(async (ids) => {
      const rows = byKey(await readers.charts.getVersions(ids), (row) => row.id);
      return ids.map((id) => rows.get(id));
    }),
    chartDetails: new DataLoader(async (ids) => {
      const details = await readers.charts.detailsOf(ids);
      return ids.map((id) => details.get(id));
    }),
  };
}
