import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { ChartImages } from '@/components/chart-images';
import { CopyField } from '@/components/copy-field';
import { formatBytes, shortDigest, Time } from '@/components/format';
import { Markdown } from '@/components/markdown';
import { Pagination } from '@/components/pagination';
import { EmptyState } from '@/components/states';
import { type ChartDetail, type ChartVersionDetail, getChart } from '@/lib/catalog';
import { chartPath } from '@/lib/catalog-paths';
import { externalOrigin, registryHost } from '@/lib/registry-host';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

type Params = Promise<{ project: string; chart: string }>;

export async function generateMetadata(props: { params: Params }): Promise<Metadata> {
  const { project, chart } = await props.params;
  return { title: `${project}/${chart}` };
}

export default async function ChartPage(props: { params: Params; searchParams: SearchParams }) {
  const { project, chart: chartName } = await props.params;
  const query = await props.searchParams;
  const version = queryValue(query, 'version');
  const versionsAfter = queryValue(query, 'versions');
  const viewer = await getViewer();
  const result = await getChart(project, chartName, { version, versionsAfter });

  if (result.status !== 'ok') return <CatalogStatus result={result} what="Chart details" signedIn={Boolean(viewer)} />;
  const chart = result.data;
  if (!chart) return <EmptyState title="Chart not found">It was deleted, or the link is wrong.</EmptyState>;
  const selected = chart.selected;
  const origin = await externalOrigin();
  const host = await registryHost();
  const versionFlag = selected ? ` --version ${selected.version}` : '';

  return (
    <>
      <h2 className="break">
        {chart.name} {selected && <span className="muted">{selected.version}</span>}{' '}
        {selected?.deprecated && <span className="badge danger">Deprecated</span>}
      </h2>
      {selected?.description && <p className="chart-description">{selected.description}</p>}
      {!selected && (
        <EmptyState title={`Version ${version ?? ''} not found`}>Pick one of the versions below.</EmptyState>
      )}
      <div className="grid-2">
        <section className="panel" aria-labelledby="chart-install">
          <h3 id="chart-install">Install</h3>
          <CopyField label="Add the repository" value={`helm repo add ${project} ${origin}/chartrepo/${project}`} />
          <CopyField label="Install" value={`helm install ${chart.name} ${project}/${chart.name}${versionFlag}`} />
          <CopyField label="Pull over OCI" value={`helm pull oci://${host}/${project}/${chart.name}${versionFlag}`} />
        </section>
        <VersionList project={project} chart={chart} selected={selected} versionsAfter={versionsAfter} />
      </div>
      {selected && <VersionDetails project={project} selected={selected} />}
    </>
  );
}

function VersionList(props: { project: string; chart: ChartDetail; selected: ChartVersionDetail | null; versionsAfter?: string }) {
  const { project, chart } = props;
  const base = chartPath(project, chart.name);
  return (
    <section className="panel" aria-labelledby="chart-versions">
      <h3 id="chart-versions">Versions</h3>
      <ul>
        {chart.versions.items.map((item) => (
          <li key={item.version}>
            <Link href={chartPath(project, chart.name, item.version)} aria-current={item.version === props.selected?.version ? 'true' : undefined}>
              {item.version}
            </Link>{' '}
            <span className="muted">
              {item.appVersion && `app ${item.appVersion} · `}
              <Time value={item.createdAt} />
              {item.deprecated && ' · deprecated'}
            </span>
          </li>
        ))}
      </ul>
      <Pagination
        shown={chart.versions.items.length}
        totalCount={chart.versionCount}
        nextCursor={chart.versions.nextCursor}
        isFirstPage={!props.versionsAfter}
        hrefFor={(cursor) => withQuery(base, { version: props.selected?.version, versions: cursor })}
      />
    </section>
  );
}

function VersionDetails(props: { project: string; selected: ChartVersionDetail }) {
  const { selected } = props;
  return (
    <>
      <div className="grid-2">
        <section className="panel" aria-labelledby="chart-about">
          <h3 id="chart-about">About this version</h3>
          <dl className="properties">
            <dt>App version</dt>
            <dd>{selected.appVersion ?? '—'}</dd>
            <dt>Chart API</dt>
            <dd>
              {selected.apiVersion}
              {selected.type && ` · ${selected.type}`}
            </dd>
            <dt>Kubernetes</dt>
            <dd>{selected.kubeVersion ?? 'any'}</dd>
            <dt>Keywords</dt>
            <dd className="break">{selected.keywords.join(', ') || '—'}</dd>
            <dt>Home</dt>
            <dd className="break">{selected.home ?? '—'}</dd>
            <dt>Sources</dt>
            <dd className="break">{selected.sources.join(', ') || '—'}</dd>
            <dt>Maintainers</dt>
            <dd className="break">
              {selected.maintainers.map((maintainer) => [maintainer.name, maintainer.email].filter(Boolean).join(' ')).join(', ') || '—'}
            </dd>
            <dt>Archive</dt>
            <dd className="break">
              {formatBytes(selected.size)} · <span className="mono">{shortDigest(selected.digest)}</span>
            </dd>
            <dt>Published</dt>
            <dd>
              <Time value={selected.createdAt} />
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="chart-images">
          <h3 id="chart-images">Images it uses</h3>
          <ChartImages images={selected.images} />
          <h3>Dependencies</h3>
          {selected.dependencies.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul>
              {selected.dependencies.map((dependency) => (
                <li key={dependency.alias ?? dependency.name} className="break">
                  {dependency.name} {dependency.version}
                  {dependency.alias && ` as ${dependency.alias}`} <span className="muted">from {dependency.repository || 'the chart itself'}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="panel" aria-labelledby="chart-readme">
        <h3 id="chart-readme">README</h3>
        {selected.readme ? <Markdown source={selected.readme} /> : <p className="muted">This chart version has no README.</p>}
      </section>
      <details className="panel">
        <summary>Default values</summary>
        {selected.values ? <pre className="block">{selected.values}</pre> : <p className="muted">This chart has no values.yaml.</p>}
      </details>
    </>
  );
}
