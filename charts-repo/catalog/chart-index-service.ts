import type { ProjectSummary } from '../../api/projects/project-service.ts';
import { type CachedIndex, cacheIndex, IndexCache } from '../index/index-cache.ts';
import { assembleIndex, type ChartFragment } from '../index/index-document.ts';
import type { IndexEntry } from '../index/index-entry.ts';
import { buildCatalog, type ProjectCatalog, updateCatalog } from '../index/project-catalog.ts';
import type { ChartRecords } from './chart-records.ts';

/**
 * Builds index.yaml documents from the stored entries, never from archives,
 * and updates them incrementally. Each instance caches every project's charts
 * with their serialized YAML and JSON fragments. While nothing has changed, a
 * request costs one indexed query for the catalog revision. After a change,
 * it reads the charts changed since the cached revision, rewrites only their
 * fragments, and joins the fragments into the new document.
 */
export class ChartIndexService {
  readonly #catalogs = new IndexCache<ProjectCatalog>();
  readonly #documents = new IndexCache<CachedIndex>();

  constructor(private readonly records: ChartRecords) {}

  /** The index of one project. */
  async projectIndex(project: ProjectSummary): Promise<CachedIndex> {
    const catalog = (await this.#loadCatalogs([project])).get(project.id)!;
    const documentKey = `project:${project.id}`;
    const cached = this.#documents.get(documentKey, catalog.key);
    if (cached) return cached;

    const fragments = [...catalog.charts.values()].map((chart) => chart.fragment(''));
    const built = cacheIndex(catalog.key, assembleIndex(fragments, catalog.updatedAt));
    this.#documents.set(documentKey, built);
    return built;
  }

  /**
   * The merged index of several projects, entries keyed `project/chart` and
   * URLs prefixed with `project/`, so it works under `/chartrepo`.
   */
  async mergedIndex(projects: ProjectSummary[]): Promise<CachedIndex> {
    const sorted = [...projects].sort((left, right) => left.id - right.id);
    const catalogs = await this.#loadCatalogs(sorted);
    const key = sorted.map((project) => `${project.id}:${catalogs.get(project.id)!.revision}`).join(',');
    const documentKey = `merged:${sorted.map((project) => project.id).join(',')}`;
    const cached = this.#documents.get(documentKey, key);
    if (cached) return cached;

    const fragments: ChartFragment[] = [];
    let generated = 0;
    for (const project of sorted) {
      const catalog = catalogs.get(project.id)!;
      for (const chart of catalog.charts.values()) fragments.push(chart.fragment(`${project.name}/`));
      if (catalog.revision > 0) generated = Math.max(generated, catalog.updatedAt.getTime());
    }
    const built = cacheIndex(key, assembleIndex(fragments, new Date(generated)));
    this.#documents.set(documentKey, built);
    return built;
  }

  /**
   * Updates the cached catalog of each project to its current revision. An
   * unchanged catalog is kept, an older cached one is updated from the
   * changed charts' rows, and a missing one is read whole. The revision is
   * read before the rows, so rows newer than it are read again at the next
   * change.
   */
  async #loadCatalogs(projects: ProjectSummary[]): Promise<Map<number, ProjectCatalog>> {
    const states = await this.records.revisions(projects.map((project) => project.id));
    const result = new Map<number, ProjectCatalog>();
    const unread: { project: ProjectSummary; revision: number; updatedAt: Date }[] = [];

    for (const project of projects) {
      const revision = states.get(project.id)?.revision ?? 0;
      const updatedAt = states.get(project.id)?.updatedAt ?? project.createdAt;
      const cached = this.#catalogs.get(String(project.id));
      if (cached && cached.revision === revision) {
        result.set(project.id, cached);
      } else if (cached && cached.revision < revision) {
        const changed = await this.records.changedSince(project.id, cached.revision);
        const entries = await this.records.entriesOf(project.id, changed);
        result.set(project.id, updateCatalog(cached, revision, updatedAt, changed, entries));
      } else {
        unread.push({ project, revision, updatedAt });
      }
    }

    if (unread.length > 0) {
      const byProject = new Map<number, IndexEntry[]>();
      for (const row of await this.records.entries(unread.map((item) => item.project.id))) {
        const entries = byProject.get(row.projectId);
        if (entries) entries.push(row.entry);
        else byProject.set(row.projectId, [row.entry]);
      }
      for (const { project, revision, updatedAt } of unread) {
        result.set(project.id, buildCatalog(revision, updatedAt, byProject.get(project.id) ?? []));
      }
    }
    for (const [projectId, catalog] of result) this.#catalogs.set(String(projectId), catalog);
    return result;
  }
}
