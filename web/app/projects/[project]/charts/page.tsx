import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { CopyField } from '@/components/copy-field';
import { Time } from '@/components/format';
import { Pagination } from '@/components/pagination';
import { FilterForm } from '@/components/filter-form';
import { EmptyState } from '@/components/states';
import { listCharts } from '@/lib/catalog';
import { chartPath } from '@/lib/catalog-paths';
import { projectPath } from '@/lib/project-access';
import { externalOrigin } from '@/lib/registry-host';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Charts' };

const PAGE_SIZE = 50;

export default async function ProjectChartsPage(props: { params: Promise<{ project: string }>; searchParams: SearchParams }) {
  const name = (await props.params).project;
  const query = await props.searchParams;
  const after = queryValue(query, 'after');
  const filter = queryValue(query, 'q');
  const viewer = await getViewer();
  const origin = await externalOrigin();
  const result = await listCharts(name, { first: PAGE_SIZE, after, query: filter });

  return (
    <>
      <h2>Helm charts</h2>
      <CopyField label="Add this project as a Helm repository" value={`helm repo add ${name} ${origin}/chartrepo/${name}`} />
      <FilterForm action={projectPath(name, 'charts')} label="Filter charts by name or keyword" placeholder="Filter by name or keyword" value={filter} />
      {result.status !== 'ok' ? (
        <CatalogStatus result={result} what="Charts" signedIn={Boolean(viewer)} />
      ) : result.data.items.length === 0 && filter ? (
        <EmptyState title={`No chart matches “${filter}”`}>Check the spelling, or clear the filter.</EmptyState>
      ) : result.data.items.length === 0 ? (
        <EmptyState title="No charts yet">
          Upload one with <code>helm push CHART.tgz oci://HOST/{name}</code> or through the chart repository API.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Charts of {name}</caption>
              <thead>
                <tr>
                  <th scope="col">Chart</th>
                  <th scope="col">Latest version</th>
                  <th scope="col" className="hide-narrow">
                    Versions
                  </th>
                  <th scope="col" className="hide-narrow">
                    Updated
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.data.items.map((chart) => (
                  <tr key={chart.name}>
                    <td className="break">
                      <Link href={chartPath(name, chart.name)}>{chart.name}</Link>
                      {chart.latestVersion?.deprecated && <span className="badge danger">Deprecated</span>}
                      {chart.latestVersion?.description && <div className="muted">{chart.latestVersion.description}</div>}
                    </td>
                    <td>{chart.latestVersion?.version ?? '—'}</td>
                    <td className="hide-narrow">{chart.versionCount}</td>
                    <td className="hide-narrow">
                      <Time value={chart.updatedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            shown={result.data.items.length}
            totalCount={result.data.totalCount}
            nextCursor={result.data.nextCursor}
            isFirstPage={!after}
            hrefFor={(cursor) => withQuery(projectPath(name, 'charts'), { q: filter, after: cursor })}
          />
        </>
      )}
    </>
  );
}
