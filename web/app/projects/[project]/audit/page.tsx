import type { Metadata } from 'next';
import { AuditTable } from '@/components/audit-table';
import { Pagination } from '@/components/pagination';
import { EmptyState, ErrorState } from '@/components/states';
import { describeError } from '@/lib/errors';
import { listAuditEvents } from '@/lib/identity';
import { projectPath } from '@/lib/project-access';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;

export default async function ProjectAuditPage(props: { params: Promise<{ project: string }>; searchParams: SearchParams }) {
  const name = (await props.params).project;
  const after = queryValue(await props.searchParams, 'after');

  let page;
  try {
    page = await listAuditEvents({ project: name, first: PAGE_SIZE, after });
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={Boolean(await getViewer())} />;
  }

  return (
    <>
      <h2>Audit log</h2>
      <p className="muted">Pushes, pulls, deletions and changes to members, robots and settings, newest first.</p>
      {page.items.length === 0 ? (
        <EmptyState title="No events yet">Events appear here as soon as someone pushes, pulls or changes the project.</EmptyState>
      ) : (
        <>
          <AuditTable events={page.items} />
          <Pagination
            shown={page.items.length}
            totalCount={page.totalCount}
            nextCursor={page.nextCursor}
            isFirstPage={!after}
            hrefFor={(cursor) => withQuery(projectPath(name, 'audit'), { after: cursor })}
          />
        </>
      )}
    </>
  );
}
