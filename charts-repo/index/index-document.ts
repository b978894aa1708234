import { SemVer } from 'semver';
import { compareNewestFirst } from '../chart/semver.ts';
import { chartFileName } from '../chart/load-chart.ts';
import { chartUrl, type IndexEntry } from './index-entry.ts';
import { formatKey, quoteString, writeSequence } from './yaml-writer.ts';

/** The entries of one project's catalog, as read from the database. */
export interface CatalogEntries {
  /** Prefix of each entry key and URL in a merged index (`team/`), or empty. */
  prefix: string;
  entries: IndexEntry[];
}

/** An index.yaml body in both of Helm's formats. */
export interface IndexDocument {
  yaml: Buffer;
  json: Buffer;
}

interface NamedVersions {
  key: string;
  versions: IndexEntry[];
  urlPrefix: string;
}

/** Groups entries by chart name, charts sorted by key and versions newest first. */
function groupEntries(catalogs: CatalogEntries[]): NamedVersions[] {
  const groups = new Map<string, NamedVersions>();
  for (const catalog of catalogs) {
    for (const entry of catalog.entries) {
      const key = `${catalog.prefix}${entry.name}`;
      let group = groups.get(key);
      if (!group) {
        group = { key, versions: [], urlPrefix: catalog.prefix };
        groups.set(key, group);
      }
      group.versions.push(entry);
    }
  }

  const sorted = [...groups.values()].sort((left, right) => compareText(left.key, right.key));
  for (const group of sorted) {
    const parsed = new Map(group.versions.map((entry) => [entry, new SemVer(entry.version)]));
    group.versions.sort((left, right) => compareNewestFirst(parsed.get(left)!, parsed.get(right)!));
  }
  return sorted;
}

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function withUrl(entry: IndexEntry, urlPrefix: string): IndexEntry {
  return { ...entry, urls: [chartUrl(chartFileName(entry.name, entry.version), urlPrefix)] };
}

/**
 * Writes index.yaml: `apiVersion: v1`, `entries` keyed by chart name (by
 * `project/name` in a merged index, where each entry keeps its plain `name`
 * because Helm drops entries whose name contains a `/`), and `generated`. The
 * same entries and time always give the same bytes.
 */
export function renderIndex(catalogs: CatalogEntries[], generated: Date): IndexDocument {
  const groups = groupEntries(catalogs);
  const lines: string[] = ['apiVersion: v1'];
  const jsonEntries: Record<string, IndexEntry[]> = {};

  if (groups.length === 0) lines.push('entries: {}');
  else lines.push('entries:');
  for (const group of groups) {
    const versions = group.versions.map((entry) => withUrl(entry, group.urlPrefix));
    lines.push(`  ${formatKey(group.key)}:`);
    writeSequence(versions, '  ', lines);
    jsonEntries[group.key] = versions;
  }
  lines.push(`generated: ${quoteString(generated.toISOString())}`, '');

  const json = JSON.stringify({ apiVersion: 'v1', entries: jsonEntries, generated: generated.toISOString() });
  return { yaml: Buffer.from(lines.join('\n'), 'utf8'), json: Buffer.from(json, 'utf8') };
}
