import type { Metadata } from 'next';
import { CatalogStatus } from '@/components/catalog-status';
import { formatBytes } from '@/components/format';
import { EmptyState } from '@/components/states';
import { getQuota } from '@/lib/catalog';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Quota' };

export default async function ProjectQuotaPage(props: { params: Promise<{ project: string }> }) {
  const name = (await props.params).project;
  const viewer = await getViewer();
  const result = await getQuota(name);

  if (result.status !== 'ok') {
    return (
      <>
        <h2>Quota and usage</h2>
        <CatalogStatus result={result} what="Quota and usage" signedIn={Boolean(viewer)} />
      </>
    );
  }
  const quota = result.data;
  if (!quota) return <EmptyState title="No quota information">Wharf returned no quota for this project.</EmptyState>;
  const percent = quota.limit ? Math.min(100, Math.round((quota.used / quota.limit) * 100)) : null;

  return (
    <section className="panel" aria-labelledby="quota-title">
      <h2 id="quota-title">Quota and usage</h2>
      <p>
        {formatBytes(quota.used)} used {quota.limit ? `of ${formatBytes(quota.limit)}` : '(no limit)'}.
      </p>
      {percent !== null && (
        <progress max={100} value={percent} aria-label={`${percent}% of the quota used`} style={{ width: '100%' }}>
          {percent}%
        </progress>
      )}
      <p className="muted">Blobs shared by several repositories of the project are counted once.</p>
    </section>
  );
}
