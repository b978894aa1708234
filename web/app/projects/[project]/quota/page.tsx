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
  if (!quota) {
    return (
      <EmptyState title="Quota hidden">Your role in this project does not include reading its quota. Project members can see it.</EmptyState>
    );
  }
  const limited = quota.limit >= 0;
  let percent: number | null = null;
  if (limited) percent = quota.limit === 0 ? 100 : Math.min(100, Math.round((quota.used / quota.limit) * 100));

  return (
    <section className="panel" aria-labelledby="quota-title">
      <h2 id="quota-title">Quota and usage</h2>
      <p>
        {formatBytes(quota.used)} used {limited ? `of ${formatBytes(quota.limit)}` : '(no limit)'}.
      </p>
      {percent !== null && (
        <progress max={100} value={percent} aria-label={`${percent}% of the quota used`} style={{ width: '100%' }}>
          {percent}%
        </progress>
      )}
      <p className="muted">
        Usage counts the project&apos;s blobs, manifests and chart files, each digest once, so layers shared by several
        repositories count once. A push that would go over the limit is rejected.
      </p>
    </section>
  );
}
