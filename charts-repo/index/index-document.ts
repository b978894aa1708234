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

/** An index.yaml body in both of Helm's formats, each written when first read. */
export interface IndexDocument {
  yaml(): Buffer;
  json(): Buffer;
}

/** The part of an index document that lists one chart's versions, in both formats. */
export interface ChartFragment {
  /** Key under `entries`: the chart name, or `project/name` in a merged index. */
  key: string;
  /** YAML lines of the key and its versions, ending in a newline, as UTF-8. */
  yaml: Buffer;
  /** JSON member `"key":[...]`, as UTF-8. */
  json: Buffer;
}

/** Sorts versions newest first by SemVer precedence, as Helm sorts them after loading. */
export function sortNewestFirst(entries: IndexEntry[]): IndexEntry[] {
  const parsed = new Map(entries.map((entry) => [entry, new SemVer(entry.version)]));
  return [...entries].sort((left, right) => compareNewestFirst(parsed.get(left)!, parsed.get(right)!));
}

function withUrl(entry: IndexEntry, urlPrefix: string): IndexEntry {
  return { ...entry, urls: [chartUrl(chartFileName(entry.name, entry.version), urlPrefix)] };
}

/**
 * Writes one chart's versions, already sorted, under `prefix + name`. Each
 * entry keeps its plain `name`, because Helm drops entries whose name
 * contains a `/`. The URLs get the prefix, so a merged index served one
 * level up still points at each project's files.
 */
export function renderChart(name: string, versions: IndexEntry[], prefix: string): ChartFragment {
  const key = `${prefix}${name}`;
  const withUrls = versions.map((entry) => withUrl(entry, prefix));
  const lines = [`  ${formatKey(key)}:`];
  writeSequence(withUrls, '  ', lines);
  lines.push('');
  return {
    key,
    yaml: Buffer.from(lines.join('\n'), 'utf8'),
    json: Buffer.from(`${JSON.stringify(key)}:${JSON.stringify(withUrls)}`, 'utf8'),
  };
}

const COMMA = Buffer.from(',');

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/**
 * Joins chart fragments into index.yaml: `apiVersion: v1`, `entries` sorted
 * by key in byte order, and `generated`. The same fragments and time always
 * give the same bytes. Fragments are joined as bytes, so a document costs a
 * copy of its size and no re-encoding.
 */
export function assembleIndex(fragments: ChartFragment[], generated: Date): IndexDocument {
  const sorted = [...fragments].sort((left, right) => compareText(left.key, right.key));
  const time = generated.toISOString();
  return {
    yaml() {
      const entries = sorted.length === 0 ? [Buffer.from('entries: {}\n')] : [Buffer.from('entries:\n'), ...sorted.map((fragment) => fragment.yaml)];
      return Buffer.concat([Buffer.from('apiVersion: v1\n'), ...entries, Buffer.from(`generated: ${quoteString(time)}\n`, 'utf8')]);
    },
    json() {
      const parts: Buffer[] = [Buffer.from('{"apiVersion":"v1","entries":{')];
      sorted.forEach((fragment, index) => {
        if (index > 0) parts.push(COMMA);
        parts.push(fragment.json);
      });
      parts.push(Buffer.from(`},"generated":${JSON.stringify(time)}}`, 'utf8'));
      return Buffer.concat(parts);
    },
  };
}

/** Writes a whole index from the entries of one or more catalogs. */
export function renderIndex(catalogs: CatalogEntries[], generated: Date): IndexDocument {
  const fragments: ChartFragment[] = [];
  for (const catalog of catalogs) {
    const byName = new Map<string, IndexEntry[]>();
    for (const entry of catalog.entries) {
      const versions = byName.get(entry.name);
      if (versions) versions.push(entry);
      else byName.set(entry.name, [entry]);
    }
    for (const [name, versions] of byName) fragments.push(renderChart(name, sortNewestFirst(versions), catalog.prefix));
  }
  return assembleIndex(fragments, generated);
}
