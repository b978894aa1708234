import type { ChartMetadata } from '../chart/chart-metadata.ts';
import type { YamlValue } from './yaml-writer.ts';

/**
 * One chart version as index.yaml lists it, without `urls` (added when the
 * document is written, because the merged index prefixes them). Only fields
 * that Helm's strict loader recognizes are present.
 */
export interface IndexEntry {
  [key: string]: YamlValue | undefined;
  name: string;
  version: string;
  apiVersion: string;
  /** RFC 3339 time the version entered the catalog. */
  created: string;
  /** Hex SHA-256 of the archive, without an algorithm prefix, as `helm repo index` writes it. */
  digest: string;
}

/** Builds the index entry of a chart version from its validated metadata. */
export function buildIndexEntry(metadata: ChartMetadata, archiveDigest: string, created: Date): IndexEntry {
  const { name, version, apiVersion, ...optional } = metadata;
  const entry: IndexEntry = {
    name,
    version,
    apiVersion,
    created: created.toISOString(),
    digest: archiveDigest.replace(/^sha256:/, ''),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) entry[key] = value as YamlValue;
  }
  return entry;
}

/**
 * Relative download URL of an archive or provenance file, as Helm resolves it
 * against the repository URL. A `+` in a version is written `%2B` once.
 */
export function chartUrl(fileName: string, prefix = ''): string {
  return `${prefix}charts/${encodeURIComponent(fileName)}`;
}
