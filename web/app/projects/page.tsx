import type { Metadata } from 'next';
import Link from 'next/link';
import { VisibilityBadge } from '@/components/badges';
import { Time } from '@/components/format';
import { PageHeader } from '@/components/page-header';
import { Pagination } from '@/components/pagination';
import { EmptyState, ErrorState } from '@/components/states';
import { describeError } from '@/lib/errors';
import { listProjects } from '@/lib/identity';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Projects' };

const PAGE_SIZE = 25;

export default async function ProjectsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const search = queryValue(params, 'q');
  const after = queryValue(params, 'after');
  const viewer = await getViewer();

  return (
    <>
      <PageHeader
        title="Projects"
        description={viewer ? 'Projects you are a member of, and every public project.' : 'Public projects. Sign in to see private projects you belong to.'}
        actions={
          viewer && (
            <Link className="button" href="/projects/new">
              New project
            </Link>
          )
        }
      />
      <form className="toolbar" action="/projects" role="search">
        <div className="inline-form">
          <div className="field">
            <label htmlFor="project-search" className="visually-hidden">
              Filter projects by name
            </label>
            <input id="project-search" type="search" name="q" defaultValue={search} placeholder="Filter by name" />
          </div>
          <button type="submit" className="button secondary">
            Filter
          </button>
          {search && <Link href="/projects">Clear</Link>}
        </div>
      </form>
      <ProjectList search={search} after={after} signedIn={Boolean(viewer)} />
    </>
  );
}

async function ProjectList(props: { search?: string; after?: string; signedIn: boolean }) {
  let page;
  try {
    page = await listProjects({ search: props.search, first: PAGE_SIZE, after: props.after });
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={props.signedIn} />;
  }

  if (page.items.length === 0) {
    if (props.search) {
      return <EmptyState title={`No project matches “${props.search}”`}>Check the spelling, or clear the filter to see every project.</EmptyState>;
    }
    return (
      <EmptyState title="No projects yet" action={props.signedIn ? <Link className="button" href="/projects/new">Create a project</Link> : undefined}>
        {props.signedIn ? 'Create a project to push images and charts into.' : 'There are no public projects. Sign in to see private ones.'}
      </EmptyState>
    );
  }

  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Projects</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Access</th>
              <th scope="col" className="hide-narrow">
                Created
              </th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((project) => (
              <tr key={project.name}>
                <td className="break">
                  <Link href={`/projects/${encodeURIComponent(project.name)}`}>{project.name}</Link>
                </td>
                <td>
                  <VisibilityBadge public={project.public} />
                </td>
                <td className="hide-narrow">
                  <Time value={project.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination
        shown={page.items.length}
        totalCount={page.totalCount}
        nextCursor={page.nextCursor}
        isFirstPage={!props.after}
        hrefFor={(cursor) => withQuery('/projects', { q: props.search, after: cursor })}
      />
    </>
  );
}
