import type { ProjectSummary } from '../../api/projects/project-service.ts';
import { type CatalogEntries, renderIndex } from '../index/index-document.ts';
import { type CachedIndex, cacheIndex, IndexCache } from '../index/index-cache.ts';
import type { IndexEntry } from '../index/index-entry.ts';
import type { ChartRecords } from './chart-records.ts';

/**
 * Builds index.yaml documents from the stored entries, never from archives,
 * and caches each one under its catalog revisions. A request costs one
 * indexed query for the revision while nothing changed, and one query for
 * the entries plus serialisation after a change.
 */
export class ChartIndexService {
  readonly #cache = new IndexCache();

  constructor(private readonly records: ChartRecords) {}

  /** The index of one project. */
  async projectIndex(project: ProjectSummary): Promise<CachedIndex> {
    const state = (await this.records.revisions([project.id])).get(project.id);
    const key = String(state?.revision ?? 0);
    const catalog = `project:${project.id}`;
    const cached = this.#cache.get(catalog, key);
    if (cached) return cached;

    const rows = await this.records.entries([project.id]);
    const document = renderIndex([{ prefix: '', entries: rows.map((row) => row.entry) }], state?.updatedAt ?? project.createdAt);
    const built = cacheIndex(key, document);
    this.#cache.set(catalog, built);
    return built;
  }

  /**
   * The merged index of several projects, entries keyed `project/chart` and
   * URLs prefixed with `project/`, so it works under `/chartrepo`.
   */
  async mergedIndex(projects: ProjectSummary[]): Promise<CachedIndex> {
    const ids = projects.map((project) => project.id).sort((left, right) => left - right);
    const states = await this.records.revisions(ids);
    const key = ids.map((id) => `${id}:${states.get(id)?.revision ?? 0}`).join(',');
    const catalog = `merged:${ids.join(',')}`;
    const cached = this.#cache.get(catalog, key);
    if (cached) return cached;

    const byProject = new Map<number, IndexEntry[]>();
    for (const row of await this.records.entries(ids)) {
      let entries = byProject.get(row.projectId);
      if (!entries) byProject.set(row.projectId, (entries = []));
      entries.push(row.entry);
    }
    const catalogs: CatalogEntries[] = projects.map((project) => ({ prefix: `${project.name}/`, entries: byProject.get(project.id) ?? [] }));
    const times = [...states.values()].map((state) => state.updatedAt.getTime());
    const generated = new Date(times.length > 0 ? Math.max(...times) : 0);

    const built = cacheIndex(key, renderIndex(catalogs, generated));
    this.#cache.set(catalog, built);
    return built;
  }
}
