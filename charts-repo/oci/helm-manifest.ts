import { createHash } from 'node:crypto';
import type { ChartDependency, ChartMaintainer, ChartMetadata } from '../chart/chart-metadata.ts';

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYER_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
/** Chart layer type written by Helm 3.0 to 3.7; still read when pulling. */
export const LEGACY_CHART_LAYER_MEDIA_TYPE = 'application/tar+gzip';
export const HELM_PROVENANCE_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.provenance.v1.prov';

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** The blobs and manifest bytes of a chart as `helm push` writes them. */
export interface HelmOciArtifact {
  config: Buffer;
  configDescriptor: OciDescriptor;
  manifest: Buffer;
  manifestDigest: string;
}

/**
 * Serialises like Go's encoding/json: object keys in the given order, maps
 * with sorted keys, and `<`, `>`, `&`, U+2028 and U+2029 escaped.
 */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Copies the fields that are set, in the order given, as Go's `omitempty` does. */
function pick(source: object, keys: readonly string[], always: readonly string[] = []): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    const empty = value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0);
    if (!empty || always.includes(key)) result[key] = value ?? '';
  }
  return result;
}

const METADATA_FIELDS = [
  'name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion',
  'condition', 'tags', 'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type',
] as const;
const MAINTAINER_FIELDS = ['name', 'email', 'url'] as const;
const DEPENDENCY_FIELDS = ['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias'] as const;

/** The OCI config blob: Chart.yaml metadata in the field order of Helm's Go struct. */
export function buildHelmConfig(metadata: ChartMetadata): Buffer {
  const config = pick(metadata, METADATA_FIELDS);
  if (metadata.maintainers) config.maintainers = metadata.maintainers.map((item: ChartMaintainer) => pick(item, MAINTAINER_FIELDS));
  if (metadata.annotations) config.annotations = sortKeys(metadata.annotations);
  if (metadata.dependencies) {
    config.dependencies = metadata.dependencies.map((item: ChartDependency) => {
      const dependency = pick(item, DEPENDENCY_FIELDS, ['name', 'repository']);
      if (item['import-values']) dependency['import-values'] = sortKeys(item['import-values']);
      return dependency;
    });
  }
  return Buffer.from(goJson(config), 'utf8');
}

/**
 * Manifest annotations as Helm sets them: description, title, version, url,
 * created, source (first of `sources`) and authors ("Name (email), ..."),
 * then the chart's own annotations except title and version.
 */
export function buildHelmAnnotations(metadata: ChartMetadata, created: string): Record<string, string> {
  const annotations: Record<string, string> = {};
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') annotations[key] = value;
  };
  add('org.opencontainers.image.description', metadata.description);
  add('org.opencontainers.image.title', metadata.name);
  add('org.opencontainers.image.version', metadata.version);
  add('org.opencontainers.image.url', metadata.home);
  add('org.opencontainers.image.created', created);
  add('org.opencontainers.image.source', metadata.sources?.[0]);
  if (metadata.maintainers && metadata.maintainers.length > 0) {
    const authors = metadata.maintainers.map((maintainer) => `${maintainer.name ?? ''}${maintainer.email ? ` (${maintainer.email})` : ''}`);
    add('org.opencontainers.image.authors', authors.join(', '));
  }
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    if (key !== 'org.opencontainers.image.title' && key !== 'org.opencontainers.image.version') annotations[key] = value;
  }
  return annotations;
}

export function describeBlob(mediaType: string, bytes: Buffer): OciDescriptor {
  return { mediaType, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length };
}

/**
 * Builds the manifest `helm push` sends: no top-level mediaType, the config,
 * the chart layer and an optional provenance layer sorted by digest, and the
 * annotations. `created` is RFC 3339 in seconds (`2024-01-02T03:04:05Z`).
 */
export function buildHelmManifest(metadata: ChartMetadata, chart: Buffer, provenance: Buffer | undefined, created: string): HelmOciArtifact {
  const config = buildHelmConfig(metadata);
  const configDescriptor = describeBlob(HELM_CONFIG_MEDIA_TYPE, config);
  const layers = [describeBlob(HELM_CHART_LAYER_MEDIA_TYPE, chart)];
  if (provenance) layers.push(describeBlob(HELM_PROVENANCE_MEDIA_TYPE, provenance));
  layers.sort((left, right) => (left.digest < right.digest ? -1 : left.digest > right.digest ? 1 : 0));

  const body = { schemaVersion: 2, config: configDescriptor, layers, annotations: sortKeys(buildHelmAnnotations(metadata, created)) };
  const manifest = Buffer.from(goJson(body), 'utf8');
  return { config, configDescriptor, manifest, manifestDigest: describeBlob('', manifest).digest };
}

/** OCI tag of a chart version: SemVer build metadata `+` written as `_`, as Helm does. */
export function versionToTag(version: string): string {
  return version.replaceAll('+', '_');
}

/** Chart version of an OCI tag: `_` read back as `+`. */
export function tagToVersion(tag: string): string {
  return tag.replaceAll('_', '+');
}
