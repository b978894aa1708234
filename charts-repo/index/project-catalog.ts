import { type ChartFragment, renderChart, sortNewestFirst } from './index-document.ts';
import type { IndexEntry } from './index-entry.ts';

/** The versions of one chart, newest first, with its index fragments written once per prefix. */
export class ChartVersions {
  readonly #fragments = new Map<string, ChartFragment>();

  constructor(
    readonly name: string,
    readonly versions: IndexEntry[],
  ) {}

  fragment(prefix: string): ChartFragment {
    let fragment = this.#fragments.get(prefix);
    if (!fragment) {
      fragment = renderChart(this.name, this.versions, prefix);
      this.#fragments.set(prefix, fragment);
    }
    return fragment;
  }
}

/**
 * A project's charts as of catalog revision `revision`. Instances are never
 * changed: an update returns a new catalog that shares the unchanged charts,
 * and so their written fragments.
 */
export interface ProjectCatalog {
  /** The revision as a string, the cache key of the catalog. */
  key: string;
  revision: number;
  /** When the catalog last changed; index.yaml's `generated`. */
  updatedAt: Date;
  charts: ReadonlyMap<string, ChartVersions>;
}

function groupByName(entries: IndexEntry[]): Map<string, IndexEntry[]> {
  const byName = new Map<string, IndexEntry[]>();
  for (const entry of entries) {
    const versions = byName.get(entry.name);
    if (versions) versions.push(entry);
    else byName.set(entry.name, [entry]);
  }
  return byName;
}

/** Builds a catalog from every entry of the project. */
export function buildCatalog(revision: number, updatedAt: Date, entries: IndexEntry[]): ProjectCatalog {
  const charts = new Map<string, ChartVersions>();
  for (const [name, versions] of groupByName(entries)) charts.set(name, new ChartVersions(name, sortNewestFirst(versions)));
  return { key: String(revision), revision, updatedAt, charts };
}

/**
 * Returns a catalog at `revision` in which the charts named in `changed`
 * have exactly `entries`, their current rows. A changed chart without
 * entries has lost its last version, so it is dropped. Other charts are shared.
 */
export function updateCatalog(previous: ProjectCatalog, revision: number, updatedAt: Date, changed: string[], entries: IndexEntry[]): ProjectCatalog {
  const charts = new Map(previous.charts);
  const byName = groupByName(entries);
  for (const name of changed) {
    const versions = byName.get(name);
    if (versions) charts.set(name, new ChartVersions(name, sortNewestFirst(versions)));
    else charts.delete(name);
  }
  return { key: String(revision), revision, updatedAt, charts };
}
