import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { PageHeader } from '@/components/page-header';
import { Pagination } from '@/components/pagination';
import { EmptyState } from '@/components/states';
import { search, type SearchFacet, type SearchHit, type SearchHitType } from '@/lib/catalog';
import { artifactPath, chartPath, repositoryPath } from '@/lib/catalog-paths';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Search' };

const PAGE_SIZE = 25;
const TYPE_LABELS: Record<SearchHitType, string> = { REPOSITORY: 'Repositories', TAG: 'Tags', CHART: 'Charts' };
const HIT_LABELS: Record<SearchHitType, string> = { REPOSITORY: 'Repository', TAG: 'Tag', CHART: 'Chart' };

function isHitType(value: string | undefined): value is SearchHitType {
  return value === 'REPOSITORY' || value === 'TAG' || value === 'CHART';
}

function hitPath(hit: SearchHit): string {
  if (hit.type === 'CHART') return chartPath(hit.projectName, hit.chart?.name ?? hit.name.slice(hit.projectName.length + 1));
  const repository = hit.repository?.name ?? hit.name.split(':')[0] ?? hit.name;
  if (hit.type === 'TAG' && hit.tag) return artifactPath(repository, hit.tag);
  return repositoryPath(repository);
}

function FacetLinks(props: { label: string; facets: SearchFacet[]; selected?: string; hrefFor: (value?: string) => string; labelFor?: (value: string) => string }) {
  if (props.facets.length === 0) return null;
  return (
    <nav className="facets" aria-label={props.label}>
      <Link href={props.hrefFor(undefined)} aria-current={props.selected ? undefined : 'true'}>
        <span className="badge">All</span>
      </Link>
      {props.facets.map((facet) => (
        <Link key={facet.value} href={props.hrefFor(facet.value)} aria-current={props.selected === facet.value ? 'true' : undefined}>
          <span className="badge">
            {props.labelFor ? props.labelFor(facet.value) : facet.value} ({facet.count})
          </span>
        </Link>
      ))}
    </nav>
  );
}

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const text = queryValue(params, 'q');
  const typeValue = queryValue(params, 'type');
  const kind = isHitType(typeValue) ? typeValue : undefined;
  const project = queryValue(params, 'project');
  const after = queryValue(params, 'after');
  const viewer = await getViewer();
  const hrefWith = (changes: Record<string, string | undefined>) =>
    withQuery('/search', { q: text, type: kind, project, ...changes, after: changes.after });

  return (
    <>
      <PageHeader title="Search" description="Images, tags, charts and chart keywords in every project you can read." />
      <form className="toolbar" action="/search" role="search">
        <div className="inline-form">
          <div className="field">
            <label htmlFor="search-text" className="visually-hidden">
              Search text
            </label>
            <input id="search-text" type="search" name="q" defaultValue={text} placeholder="Name, tag or keyword" />
          </div>
          {kind && <input type="hidden" name="type" value={kind} />}
          {project && <input type="hidden" name="project" value={project} />}
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </form>
      {text ? (
        <SearchResultsView text={text} kind={kind} project={project} after={after} signedIn={Boolean(viewer)} hrefWith={hrefWith} />
      ) : (
        <EmptyState title="Search the registry">Type part of an image name, a tag, a chart name or a chart keyword.</EmptyState>
      )}
    </>
  );
}

async function SearchResultsView(props: {
  text: string;
  kind?: SearchHitType;
  project?: string;
  after?: string;
  signedIn: boolean;
  hrefWith: (changes: Record<string, string | undefined>) => string;
}) {
  const result = await search({ text: props.text, type: props.kind, project: props.project, first: PAGE_SIZE, after: props.after });
  if (result.status !== 'ok') return <CatalogStatus result={result} what="Search" signedIn={props.signedIn} />;
  const { hits, types, projects } = result.data;

  return (
    <>
      <FacetLinks
        label="Filter by type"
        facets={types}
        selected={props.kind}
        hrefFor={(value) => props.hrefWith({ type: value })}
        labelFor={(value) => (isHitType(value) ? TYPE_LABELS[value] : value)}
      />
      <FacetLinks label="Filter by project" facets={projects} selected={props.project} hrefFor={(value) => props.hrefWith({ project: value })} />
      {hits.items.length === 0 ? (
        <EmptyState title={`Nothing matches “${props.text}”`}>Try a shorter text, or remove the filters.</EmptyState>
      ) : (
        <>
          <ul className="panel" aria-label="Search results">
            {hits.items.map((hit) => (
              <li key={`${hit.type}:${hit.name}`} className="break">
                <span className="badge">{HIT_LABELS[hit.type]}</span> <Link href={hitPath(hit)}>{hit.name}</Link>
                {hit.matchedKeyword && <span className="muted"> · keyword {hit.matchedKeyword}</span>}
                {hit.chart?.latestVersion?.description && <span className="muted"> · {hit.chart.latestVersion.description}</span>}
              </li>
            ))}
          </ul>
          <Pagination
            shown={hits.items.length}
            totalCount={hits.totalCount}
            nextCursor={hits.nextCursor}
            isFirstPage={!props.after}
            hrefFor={(cursor) => props.hrefWith({ after: cursor })}
          />
        </>
      )}
    </>
  );
}
