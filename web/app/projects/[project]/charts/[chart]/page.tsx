import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatus } from '@/components/catalog-status';
import { CopyField } from '@/components/copy-field';
import { Time } from '@/components/format';
import { Markdown } from '@/components/markdown';
import { ScanSummaryView } from '@/components/scan-summary';
import { EmptyState } from '@/components/states';
import { getChart } from '@/lib/catalog';
import { chartPath } from '@/lib/catalog-paths';
import { externalOrigin, registryHost } from '@/lib/registry-host';
import { queryValue, type SearchParams } from '@/lib/search-params';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Chart' };

export default async function ChartPage(props: { params: Promise<{ project: string; chart: string }>; searchParams: SearchParams }) {
  const { project, chart: chartName } = await props.params;
  const version = queryValue(await props.searchParams, 'version');
  const viewer = await getViewer();
  const result = await getChart(project, chartName, version);

  if (result.status !== 'ok') return <CatalogStatus result={result} what="Chart details" signedIn={Boolean(viewer)} />;
  const chart = result.data;
  if (!chart) return <EmptyState title="Chart not found">It was deleted, or the link is wrong.</EmptyState>;
  const selected = chart.selected;
  const origin = await externalOrigin();
  const host = await registryHost();

  return (
    <>
      <h2 className="break">
        {chart.name} {selected && <span className="muted">{selected.version}</span>}
      </h2>
      {selected?.description && <p>{selected.description}</p>}
      <div className="grid-2">
        <section className="panel" aria-labelledby="chart-install">
          <h3 id="chart-install">Install</h3>
          <CopyField label="Add the repository" value={`helm repo add ${project} ${origin}/chartrepo/${project}`} />
          <CopyField label="Install" value={`helm install ${chart.name} ${project}/${chart.name}${selected ? ` --version ${selected.version}` : ''}`} />
          <CopyField label="Pull over OCI" value={`helm pull oci://${host}/${project}/${chart.name}${selected ? ` --version ${selected.version}` : ''}`} />
        </section>
        <section className="panel" aria-labelledby="chart-versions">
          <h3 id="chart-versions">Versions</h3>
          <ul>
            {chart.versions.map((item) => (
              <li key={item.version}>
                <Link href={chartPath(project, chart.name, item.version)} aria-current={item.version === selected?.version ? 'true' : undefined}>
                  {item.version}
                </Link>{' '}
                <span className="muted">
                  {item.appVersion && `app ${item.appVersion} · `}
                  <Time value={item.createdAt} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {selected && (
        <>
          <section className="panel" aria-labelledby="chart-images">
            <h3 id="chart-images">Images it uses</h3>
            {selected.images.length === 0 ? (
              <p className="muted">Wharf found no image references in this chart&apos;s templates and values.</p>
            ) : (
              <ul>
                {selected.images.map((image) => (
                  <li key={image.reference} className="break">
                    <code>{image.reference}</code>{' '}
                    {image.inWharf ? <ScanSummaryView summary={image.scanSummary} /> : <span className="muted">not in Wharf</span>}
                  </li>
                ))}
              </ul>
            )}
            <h3>Dependencies</h3>
            {selected.dependencies.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <ul>
                {selected.dependencies.map((dependency) => (
                  <li key={dependency.name} className="break">
                    {dependency.name} {dependency.version} {dependency.repository && <span className="muted">from {dependency.repository}</span>}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="panel" aria-labelledby="chart-readme">
            <h3 id="chart-readme">README</h3>
            {selected.readme ? <Markdown source={selected.readme} /> : <p className="muted">This chart version has no README.</p>}
          </section>
          <details className="panel">
            <summary>Default values</summary>
            {selected.values ? <pre className="block">{selected.values}</pre> : <p className="muted">This chart has no values.yaml.</p>}
          </details>
        </>
      )}
    </>
  );
}
