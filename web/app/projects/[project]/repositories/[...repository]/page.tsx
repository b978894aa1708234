import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { CopyField } from '@/components/copy-field';
import { formatBytes, shortDigest, Time } from '@/components/format';
import { Pagination } from '@/components/pagination';
import { Platforms } from '@/components/platforms';
import { ScanSummaryView } from '@/components/scan-summary';
import { EmptyState } from '@/components/states';
import { artifactKindLabel } from '@/components/artifact-kind';
import { Labels } from '@/components/labels';
import { type ArtifactKind, isSigned, listArtifacts } from '@/lib/catalog';
import { artifactPath, repositoryPath } from '@/lib/catalog-paths';
import { registryHost } from '@/lib/registry-host';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

const PAGE_SIZE = 25;

type Params = Promise<{ project: string; repository: string[] }>;

export async function generateMetadata(props: { params: Params }): Promise<Metadata> {
  const { project, repository } = await props.params;
  return { title: `${project}/${repository.join('/')}` };
}

/** Builds the command that pulls a tag: helm for a chart, podman for everything else. */
function pullCommand(host: string, repository: string, kind: ArtifactKind, tag: string): string {
  if (kind === 'CHART') return `helm pull oci://${host}/${repository} --version ${tag}`;
  return `podman pull ${host}/${repository}:${tag}`;
}

export default async function RepositoryPage(props: { params: Params; searchParams: SearchParams }) {
  const { project, repository: segments } = await props.params;
  const repository = `${project}/${segments.join('/')}`;
  const after = queryValue(await props.searchParams, 'after');
  const viewer = await getViewer();
  const host = await registryHost();
  const result = await listArtifacts(repository, { first: PAGE_SIZE, after });

  return (
    <>
      <h2 className="break">{repository}</h2>
      {result.status !== 'ok' ? (
        <CatalogStatus result={result} what="Artifacts" signedIn={Boolean(viewer)} />
      ) : result.data.items.length === 0 ? (
        <EmptyState title="No artifacts">This repository has no artifacts. Push an image to it to see it here.</EmptyState>
      ) : (
        <>
          {result.data.items.map((artifact) => (
            <article className="panel" key={artifact.digest} aria-label={shortDigest(artifact.digest)}>
              <div className="toolbar">
                <Link href={artifactPath(repository, artifact.digest)} className="mono break">
                  {shortDigest(artifact.digest)}
                </Link>
                <span className="badges">
                  {isSigned(artifact) ? <span className="badge public">Signed</span> : <span className="badge">Not signed</span>}{' '}
                  <ScanSummaryView summary={artifact.scan} />
                </span>
              </div>
              <dl className="properties">
                <dt>Tags</dt>
                <dd>{artifact.tags.length === 0 ? <span className="muted">none</span> : artifact.tags.map((tag) => tag.name).join(', ')}</dd>
                <dt>Type</dt>
                <dd>{artifactKindLabel(artifact.kind)}</dd>
                <dt>Labels</dt>
                <dd>
                  <Labels labels={artifact.labels} />
                </dd>
                <dt>Size</dt>
                <dd>{formatBytes(artifact.size)}</dd>
                <dt>Platforms</dt>
                <dd>
                  <Platforms platforms={artifact.platforms} />
                </dd>
                <dt>Pushed</dt>
                <dd>
                  <Time value={artifact.pushedAt} />
                </dd>
                <dt>Last pulled</dt>
                <dd>
                  <Time value={artifact.pulledAt} empty="never" />
                </dd>
              </dl>
              {artifact.tags.map((tag) => (
                <CopyField key={tag.name} label={`Pull ${tag.name}`} value={pullCommand(host, repository, artifact.kind, tag.name)} />
              ))}
              {artifact.tags.length === 0 && <CopyField label="Pull by digest" value={`podman pull ${host}/${repository}@${artifact.digest}`} />}
            </article>
          ))}
          <Pagination
            shown={result.data.items.length}
            totalCount={result.data.totalCount}
            nextCursor={result.data.nextCursor}
            isFirstPage={!after}
            hrefFor={(cursor) => withQuery(repositoryPath(repository), { after: cursor })}
          />
        </>
      )}
    </>
  );
}
