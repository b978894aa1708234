import type { ScanSummary } from '@/lib/catalog';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'other'] as const;

const STATUS_LABELS: Record<ScanSummary['status'], string> = {
  NOT_SCANNED: 'Not scanned',
  PENDING: 'Scan queued',
  RUNNING: 'Scanning',
  SUCCEEDED: 'Scanned',
  FAILED: 'Scan failed',
};

/** Vulnerability counts by severity, or the scan state when there are no counts. */
export function ScanSummaryView(props: { summary: ScanSummary | null }) {
  const summary = props.summary;
  if (!summary) return <span className="muted">Scan results hidden</span>;
  if (summary.status !== 'SUCCEEDED') {
    if (summary.status === 'NOT_SCANNED') return <span className="muted">{STATUS_LABELS.NOT_SCANNED}</span>;
    return <span className={summary.status === 'FAILED' ? 'badge danger' : 'badge'}>{STATUS_LABELS[summary.status]}</span>;
  }

  const found = SEVERITIES.filter((severity) => (summary[severity] ?? 0) > 0);
  if (found.length === 0) return <span className="badge public">No known vulnerabilities</span>;
  return (
    <span className="badges">
      {found.map((severity) => (
        <span key={severity} className={`badge ${severity === 'critical' || severity === 'high' ? 'danger' : ''}`}>
          {summary[severity]} {severity}
        </span>
      ))}
    </span>
  );
}
