import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { HistoryTable, JsonDocument } from '@/components/artifact-documents';
import { artifactKindLabel } from '@/components/artifact-kind';
import { CatalogStatus } from '@/components/catalog-status';
import { CopyField } from '@/components/copy-field';
import { formatBytes, shortDigest, Time } from '@/components/format';
import { Labels } from '@/components/labels';
import { Platforms } from '@/components/platforms';
import { ScanSummaryView } from '@/components/scan-summary';
import { EmptyState, ErrorState } from '@/components/states';
import { SubmitButton } from '@/components/submit-button';
import { VulnerabilityTable } from '@/components/vulnerability-table';
import { type ArtifactDetail, getArtifact } from '@/lib/catalog';
import { artifactPath, repositoryPath } from '@/lib/catalog-paths';
import { ApiError, describeError } from '@/lib/errors';
import { getProject } from '@/lib/identity';
import { registryHost } from '@/lib/registry-host';
import { queryValue, type SearchParams } from '@/lib/search-params';
import { getViewer } from '@/lib/session';
import { scanArtifactAction } from './actions';

export const metadata: Metadata = { title: 'Artifact' };

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export default async function ArtifactPage(props: { params: Promise<{ project: string; digest: string }>; searchParams: SearchParams }) {
  const { project, digest: encodedReference } = await props.params;
  // Next.js passes the segment as it appears in the URL, with the digest's colon still encoded.
  const reference = safeDecode(encodedReference);
  const query = await props.searchParams;
  const repository = queryValue(query, 'repository');
  const severity = queryValue(query, 'severity');
  const viewer = await getViewer();

  if (!repository || !repository.startsWith(`${project}/`)) {
    const error = new ApiError('BAD_USER_INPUT', `The link names no repository of ${project}; open the artifact from its repository page.`);
    return <ErrorState error={describeError(error)} />;
  }

  const result = await getArtifact(repository, reference);
  if (result.status !== 'ok') return <CatalogStatus result={result} what="Artifact details" signedIn={Boolean(viewer)} />;
  const artifact = result.data;
  if (!artifact) return <EmptyState title="Artifact not found">It was deleted, or the link is wrong.</EmptyState>;
  const host = await registryHost();
  const canScan = (await getProject(project))?.myPermissions.includes('scan:start') ?? false;

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
            <dd className="mono break">{artifact.digest}</dd>
            <dt>Tags</dt>
            <dd>{artifact.tags.map((tag) => (tag.immutable ? `${tag.name} (immutable)` : tag.name)).join(', ') || '—'}</dd>
            <dt>Kind</dt>
            <dd>{artifactKindLabel(artifact.kind)}</dd>
            <dt>Labels</dt>
            <dd>
              <Labels labels={artifact.labels} />
            </dd>
            <dt>Media type</dt>
            <dd className="break">{artifact.mediaType}</dd>
            <dt>Artifact type</dt>
            <dd className="break">{artifact.artifactType ?? '—'}</dd>
            <dt>Size</dt>
            <dd>
              {formatBytes(artifact.size)} <span className="muted">(manifest {formatBytes(artifact.manifestSize)})</span>
            </dd>
            <dt>Pushed</dt>
            <dd>
              <Time value={artifact.pushedAt} />
            </dd>
            <dt>Last pulled</dt>
            <dd>
              <Time value={artifact.pulledAt} empty="never" />
            </dd>
            <dt>Signed</dt>
            <dd>{artifact.referrers.some((referrer) => referrer.kind === 'SIGNATURE') ? 'Yes' : 'No'}</dd>
            <dt>Vulnerabilities</dt>
            <dd>
              <ScanSummaryView summary={artifact.scan} />
            </dd>
            {artifact.subjectDigest && (
              <>
                <dt>Refers to</dt>
                <dd className="mono break">
                  <Link href={artifactPath(repository, artifact.subjectDigest)}>{shortDigest(artifact.subjectDigest)}</Link>
                </dd>
              </>
            )}
          </dl>
          <CopyField label="Pull by digest" value={`podman pull ${host}/${repository}@${artifact.digest}`} />
        </section>
        <section className="panel" aria-labelledby="artifact-layers">
          <ContentList artifact={artifact} repository={repository} />
        </section>
      </div>
      <section className="panel" aria-labelledby="artifact-referrers">
        <h3 id="artifact-referrers">Referrers</h3>
        {artifact.referrers.length === 0 ? (
          <p className="muted">No signatures, SBOMs or other artifacts refer to this one.</p>
        ) : (
          <ul>
            {artifact.referrers.map((referrer) => (
              <li key={referrer.digest} className="break">
                {artifactKindLabel(referrer.kind)}{' '}
                <Link className="mono" href={artifactPath(repository, referrer.digest)}>
                  {shortDigest(referrer.digest)}
                </Link>{' '}
                <span className="muted">
                  {referrer.artifactType ?? referrer.mediaType} · {formatBytes(referrer.size)} · <Time value={referrer.pushedAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="artifact-vulnerabilities">
        <div className="toolbar">
          <h3 id="artifact-vulnerabilities">Vulnerabilities</h3>
          {canScan && (artifact.kind === 'IMAGE' || artifact.kind === 'IMAGE_INDEX') && (
            <ActionForm action={scanArtifactAction} label="Scan this artifact">
              <input type="hidden" name="repository" value={repository} />
              <input type="hidden" name="reference" value={artifact.digest} />
              <SubmitButton variant="secondary" small pendingLabel="Queueing…">
                Scan now
              </SubmitButton>
            </ActionForm>
          )}
        </div>
        <VulnerabilityReportView artifact={artifact} severity={severity} repository={repository} />
      </section>
      <Documents artifact={artifact} inspect={`skopeo inspect --config docker://${host}/${repository}@${artifact.digest}`} />
    </>
  );
}

/** Shows the build history, the manifest and the config document of an artifact. */
function Documents(props: { artifact: ArtifactDetail; inspect: string }) {
  const { artifact } = props;
  return (
    <>
      <section className="panel" aria-labelledby="artifact-history">
        <h3 id="artifact-history">History</h3>
        {artifact.history ? (
          <HistoryTable steps={artifact.history} />
        ) : (
          <p className="muted">No build history: this artifact has no JSON image config that Wharf can show.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="artifact-manifest">
        <h3 id="artifact-manifest">Manifest</h3>
        {artifact.manifest === null ? (
          <p className="muted">The manifest is not UTF-8 text, so it cannot be shown here.</p>
        ) : (
          <JsonDocument label="Manifest JSON" text={artifact.manifest} />
        )}
      </section>
      <section className="panel" aria-labelledby="artifact-config">
        <h3 id="artifact-config">Configuration</h3>
        {artifact.configJson !== null ? (
          <JsonDocument label="Configuration JSON" text={artifact.configJson} />
        ) : artifact.config ? (
          <p className="muted">
            The config is not JSON or is larger than the API returns. Read it with <code>{props.inspect}</code>.
          </p>
        ) : (
          <p className="muted">This artifact has no config.</p>
        )}
      </section>
    </>
  );
}

/** Config and layers of an image, or the per-platform manifests of an index. */
function ContentList(props: { artifact: ArtifactDetail; repository: string }) {
  const { artifact, repository } = props;
  if (artifact.kind === 'IMAGE_INDEX' || artifact.platforms.length > 0) {
    return (
      <>
        <h3 id="artifact-layers">Platforms</h3>
        <ul>
          {artifact.platforms.map((platform) => (
            <li key={platform.digest} className="break">
              <Platforms platforms={[platform]} />{' '}
              <Link className="mono" href={artifactPath(repository, platform.digest)}>
                {shortDigest(platform.digest)}
              </Link>{' '}
              <span className="muted">{formatBytes(platform.size)}</span>
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <>
      <h3 id="artifact-layers">Layers</h3>
      {artifact.layers.length === 0 ? (
        <p className="muted">This artifact has no layers.</p>
      ) : (
        <ol>
          {artifact.layers.map((layer, index) => (
            <li key={`${index}-${layer.digest}`} className="break">
              <span className="mono">{shortDigest(layer.digest)}</span> · {formatBytes(layer.size)}{' '}
              <span className="muted">{layer.mediaType}</span>
            </li>
          ))}
        </ol>
      )}
      {artifact.config && (
        <p className="muted break">
          Config <span className="mono">{shortDigest(artifact.config.digest)}</span> · {formatBytes(artifact.config.size)} ·{' '}
          {artifact.config.mediaType}
        </p>
      )}
    </>
  );
}

function VulnerabilityReportView(props: { artifact: ArtifactDetail; severity?: string; repository: string }) {
  const { artifact } = props;
  if (!artifact.scan) return <EmptyState title="Scan results hidden">Your role in this project does not include reading scan results.</EmptyState>;
  if (artifact.kind === 'IMAGE_INDEX') {
    return <EmptyState title="Scanned per platform">Open a platform above to see its vulnerabilities.</EmptyState>;
  }
  const report = artifact.vulnerabilityReport;
  if (!report) {
    return (
      <EmptyState title="Not scanned yet">
        {artifact.scan.status === 'PENDING' || artifact.scan.status === 'RUNNING'
          ? 'A scan is queued or running; reload the page in a moment.'
          : 'Wharf has no scan results for this artifact.'}
      </EmptyState>
    );
  }
  if (report.status === 'failed') {
    return <ErrorState error={{ code: 'INTERNAL_SERVER_ERROR', title: 'Scan failed', message: report.error ?? 'The scanner reported no reason.', signInMayHelp: false }} />;
  }
  return (
    <>
      <p className="muted">
        {report.scanner} {report.scannerVersion} · {report.packageCount} packages
        {report.operatingSystem && ` · ${report.operatingSystem}`} · <Time value={report.finishedAt} />
      </p>
      <VulnerabilityTable vulnerabilities={report.vulnerabilities} severity={props.severity} baseQuery={{ repository: props.repository }} />
    </>
  );
}
