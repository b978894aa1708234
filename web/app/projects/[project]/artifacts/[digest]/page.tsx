import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { CopyField } from '@/components/copy-field';
import { formatBytes, shortDigest, Time } from '@/components/format';
import { Platforms } from '@/components/platforms';
import { ScanSummaryView } from '@/components/scan-summary';
import { EmptyState, ErrorState } from '@/components/states';
import { VulnerabilityTable } from '@/components/vulnerability-table';
import { getArtifact } from '@/lib/catalog';
import { repositoryPath } from '@/lib/catalog-paths';
import { ApiError, describeError } from '@/lib/errors';
import { registryHost } from '@/lib/registry-host';
import { queryValue, type SearchParams } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Artifact' };

/** Pretty-prints a JSON document; other text is shown as it is. */
function formatJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export default async function ArtifactPage(props: { params: Promise<{ project: string; digest: string }>; searchParams: SearchParams }) {
  const { project, digest } = await props.params;
  const query = await props.searchParams;
  const repository = queryValue(query, 'repository');
  const severity = queryValue(query, 'severity');
  const viewer = await getViewer();

  if (!repository || !repository.startsWith(`${project}/`)) {
    const error = new ApiError('BAD_USER_INPUT', `The link names no repository of ${project}; open the artifact from its repository page.`);
    return <ErrorState error={describeError(error)} />;
  }

  const result = await getArtifact(repository, digest);
  if (result.status !== 'ok') return <CatalogStatus result={result} what="Artifact details" signedIn={Boolean(viewer)} />;
  const artifact = result.data;
  if (!artifact) return <EmptyState title="Artifact not found">It was deleted, or the link is wrong.</EmptyState>;
  const host = await registryHost();

  return (
    <>
      <p className="breadcrumbs">
        <Link href={repositoryPath(repository)}>{repository}</Link>
      </p>
      <h2 className="break mono">{shortDigest(artifact.digest)}</h2>
      <div className="grid-2">
        <section className="panel" aria-labelledby="artifact-overview">
          <h3 id="artifact-overview">Overview</h3>
          <dl className="properties">
            <dt>Digest</dt>
            <dd className="mono">{artifact.digest}</dd>
            <dt>Tags</dt>
            <dd>{artifact.tags.map((tag) => tag.name).join(', ') || '—'}</dd>
            <dt>Media type</dt>
            <dd>{artifact.mediaType}</dd>
            <dt>Artifact type</dt>
            <dd>{artifact.artifactType ?? '—'}</dd>
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
            <dt>Signed</dt>
            <dd>{artifact.signed ? 'Yes' : 'No'}</dd>
            <dt>Vulnerabilities</dt>
            <dd>
              <ScanSummaryView summary={artifact.scanSummary} />
            </dd>
          </dl>
          <CopyField label="Pull by digest" value={`podman pull ${host}/${repository}@${artifact.digest}`} />
        </section>
        <section className="panel" aria-labelledby="artifact-layers">
          <h3 id="artifact-layers">Layers</h3>
          {artifact.layers.length === 0 ? (
            <p className="muted">This artifact has no layers.</p>
          ) : (
            <ol>
              {artifact.layers.map((layer) => (
                <li key={layer.digest}>
                  <span className="mono">{shortDigest(layer.digest)}</span> · {formatBytes(layer.size)}
                </li>
              ))}
            </ol>
          )}
          <h3>Referrers</h3>
          {artifact.referrers.length === 0 ? (
            <p className="muted">No signatures, SBOMs or other artifacts refer to this one.</p>
          ) : (
            <ul>
              {artifact.referrers.map((referrer) => (
                <li key={referrer.digest}>
                  {referrer.artifactType ?? referrer.mediaType}: <span className="mono">{shortDigest(referrer.digest)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="artifact-vulnerabilities">
        <h3 id="artifact-vulnerabilities">Vulnerabilities</h3>
        <VulnerabilityTable vulnerabilities={artifact.vulnerabilities} severity={severity} baseQuery={{ repository }} />
      </section>
      <section className="panel" aria-labelledby="artifact-history">
        <h3 id="artifact-history">History</h3>
        {artifact.history.length === 0 ? (
          <p className="muted">The image configuration records no history.</p>
        ) : (
          <ol>
            {artifact.history.map((step, index) => (
              <li key={index} className="break">
                <code>{step.createdBy ?? '(no command recorded)'}</code> {step.emptyLayer && <span className="muted">(no layer)</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <details className="panel">
        <summary>Manifest</summary>
        <pre className="block">{formatJson(artifact.manifest)}</pre>
      </details>
      {artifact.config && (
        <details className="panel">
          <summary>Configuration</summary>
          <pre className="block">{formatJson(artifact.config)}</pre>
        </details>
      )}
    </>
  );
}
