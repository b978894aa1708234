import type { Prisma as PrismaClient } from '../db/client.ts';
import { Prisma } from '../db/generated/client.ts';

export const SEARCH_HIT_TYPES = ['REPOSITORY', 'TAG', 'CHART'] as const;
export type SearchHitType = (typeof SEARCH_HIT_TYPES)[number];

/** One match: a repository by its path, a tag by its name, or a chart by its name or a keyword. */
export interface SearchHit {
  type: SearchHitType;
  projectId: number;
  /** Position in the result order: repositories, then tags, then charts, each by name in byte order. */
  rank: number;
  key: string;
  repositoryId: number | null;
  artifactId: number | null;
  tag: string | null;
  chart: string | null;
  /** The chart keyword that matched, when the chart's name did not. */
  keyword: string | null;
}

/** Projects whose content a search may return, by kind of content, or 'all' for administrators. */
export interface SearchScope {
  repositoryProjects: 'all' | number[];
  chartProjects: 'all' | number[];
}

export interface SearchOptions {
  text: string;
  scope: SearchScope;
  types?: readonly SearchHitType[];
  projectIds?: readonly number[];
  after?: { rank: number; key: string };
  limit: number;
}

export interface SearchFacetRow {
  type: SearchHitType;
  projectId: number;
  count: number;
}

function inProjects(column: Prisma.Sql, projects: 'all' | readonly number[]): Prisma.Sql {
  if (projects === 'all') return Prisma.sql`TRUE`;
  return Prisma.sql`${column} = ANY(${[...projects]}::int[])`;
}

/** Builds the CTE body that selects every visible hit for the text. Type and project filters apply outside it. */
function hitsSql(text: string, scope: SearchScope): Prisma.Sql {
  const needle = text.toLowerCase();
  return Prisma.sql`
    SELECT 1 AS rank, 'REPOSITORY' AS type, r.project_id, r.name AS key, r.id AS repository_id,
      NULL::int AS artifact_id, NULL::text AS tag, NULL::text AS chart, NULL::text AS keyword
    FROM repositories r
    WHERE ${inProjects(Prisma.sql`r.project_id`, scope.repositoryProjects)}
      AND strpos(substring(r.name from position('/' in r.name) + 1), ${needle}) > 0
      AND EXISTS (SELECT 1 FROM artifacts e WHERE e.repository_id = r.id)
    UNION ALL
    SELECT 2, 'TAG', r.project_id, r.name || ':' || t.name, r.id, t.artifact_id, t.name, NULL, NULL
    FROM tags t JOIN repositories r ON r.id = t.repository_id
    WHERE ${inProjects(Prisma.sql`r.project_id`, scope.repositoryProjects)} AND strpos(lower(t.name), ${needle}) > 0
    UNION ALL
    SELECT 3, 'CHART', c.project_id, p.name || '/' || c.name, NULL, NULL, NULL, c.name,
      CASE WHEN bool_or(strpos(lower(c.name), ${needle}) > 0) THEN NULL
           ELSE MIN(k.keyword) FILTER (WHERE strpos(lower(k.keyword), ${needle}) > 0) END
    FROM chart_versions c JOIN projects p ON p.id = c.project_id
    LEFT JOIN LATERAL jsonb_array_elements_text(
      CASE WHEN jsonb_typeof(c.entry->'keywords') = 'array' THEN c.entry->'keywords' ELSE '[]'::jsonb END
    ) AS k(keyword) ON TRUE
    WHERE ${inProjects(Prisma.sql`c.project_id`, scope.chartProjects)}
      -- Cheap filter on the keyword list as JSON text; HAVING below decides on each keyword.
      AND (strpos(lower(c.name), ${needle}) > 0 OR strpos(lower(c.entry->>'keywords'), ${needle}) > 0)
    GROUP BY c.project_id, p.name, c.name
    HAVING bool_or(strpos(lower(c.name), ${needle}) > 0) OR bool_or(strpos(lower(k.keyword), ${needle}) > 0)`;
}

/**
 * Searches repository paths, tag names, chart names and chart keywords for a
 * text (case-insensitive substring), only in the projects of the scope.
 *
 * NOTE: matching is a substring scan without a text index, so its cost grows
 * with the number of visible tags. A trigram index would need pg_trgm.
 */
export class SearchReader {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Returns one page of hits, keyset-paginated on (rank, key), and the number
   * of hits per type and project before the type and project filters. One
   * statement finds the hits once for both.
   */
  async search(options: SearchOptions): Promise<{ hits: SearchHit[]; facets: SearchFacetRow[] }> {
    const types = options.types ? Prisma.sql`AND h.type = ANY(${[...options.types]}::text[])` : Prisma.empty;
    const projects = options.projectIds ? Prisma.sql`AND h.project_id = ANY(${[...options.projectIds]}::int[])` : Prisma.empty;
    const after = options.after ? Prisma.sql`AND (h.rank, h.key COLLATE "C") > (${options.after.rank}, ${options.after.key} COLLATE "C")` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ hits: SearchHit[]; facets: SearchFacetRow[] }[]>`
      WITH hits AS MATERIALIZED (${hitsSql(options.text, options.scope)}),
      page AS (
        SELECT h.rank, h.type, h.project_id AS "projectId", h.key, h.repository_id AS "repositoryId", h.artifact_id AS "artifactId",
          h.tag, h.chart, h.keyword
        FROM hits h WHERE TRUE ${types} ${projects} ${after}
        ORDER BY h.rank, h.key COLLATE "C"
        LIMIT ${options.limit}
      ),
      facets AS (SELECT h.type, h.project_id AS "projectId", COUNT(*)::int AS count FROM hits h GROUP BY h.type, h.project_id)
      SELECT
        (SELECT COALESCE(json_agg(page ORDER BY page.rank, page.key COLLATE "C"), '[]'::json) FROM page) AS hits,
        (SELECT COALESCE(json_agg(facets), '[]'::json) FROM facets) AS facets`;
    return { hits: rows[0]?.hits ?? [], facets: rows[0]?.facets ?? [] };
  }
}
