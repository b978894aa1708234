import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { formatBytes, Time } from '@/components/format';
import { Pagination } from '@/components/pagination';
import { FilterForm } from '@/components/filter-form';
import { EmptyState } from '@/components/states';
import { listRepositories } from '@/lib/catalog';
import { repositoryPath } from '@/lib/catalog-paths';
import { projectPath } from '@/lib/project-access';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

const PAGE_SIZE = 50;

export default async function ProjectRepositoriesPage(props: { params: Promise<{ project: string }>; searchParams: SearchParams }) {
  const name = (await props.params).project;
  const query = await props.searchParams;
  const after = queryValue(query, 'after');
  const filter = queryValue(query, 'q');
  const viewer = await getViewer();
  const result = await listRepositories(name, { first: PAGE_SIZE, after, query: filter });

  return (
    <>
      <h2>Repositories</h2>
      <FilterForm action={projectPath(name)} label="Filter repositories by name" placeholder="Filter by name" value={filter} />
      {result.status !== 'ok' ? (
        <CatalogStatus result={result} what="Repositories" signedIn={Boolean(viewer)} />
      ) : result.data.items.length === 0 && filter ? (
        <EmptyState title={`No repository matches “${filter}”`}>Check the spelling, or clear the filter.</EmptyState>
      ) : result.data.items.length === 0 ? (
        <EmptyState title="No repositories yet">
          Push an image to create one, for example <code>podman push IMAGE HOST/{name}/app:1.0</code>.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Repositories of {name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Artifacts</th>
                  <th scope="col" className="hide-narrow">
                    Tags
                  </th>
                  <th scope="col" className="hide-narrow">
                    Size
                  </th>
                  <th scope="col" className="hide-narrow">
                    Last push
                  </th>
                  <th scope="col" className="hide-narrow">
                    Last pull
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.data.items.map((repository) => (
                  <tr key={repository.name}>
                    <td className="break">
                      <Link href={repositoryPath(repository.name)}>{repository.name}</Link>
                    </td>
                    <td>{repository.artifactCount}</td>
                    <td className="hide-narrow">{repository.tagCount}</td>
                    <td className="hide-narrow">{formatBytes(repository.size)}</td>
                    <td className="hide-narrow">
                      <Time value={repository.pushedAt} />
                    </td>
                    <td className="hide-narrow">
                      <Time value={repository.pulledAt} empty="never" />
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
            hrefFor={(cursor) => withQuery(projectPath(name), { q: filter, after: cursor })}
          />
        </>
      )}
    </>
  );
}
