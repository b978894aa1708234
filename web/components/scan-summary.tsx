import type { ScanSummary } from '@/lib/catalog';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

/** Vulnerability counts by severity, or the scan state when there are no results. */
export function ScanSummaryView(props: { summary: ScanSummary | null }) {
  const summary = props.summary;
  if (!summary || summary.status === 'notScanned') return <span className="muted">Not scanned</span>;
  if (summary.status !== 'finished') return <span className="badge">{summary.status}</span>;

  const found = SEVERITIES.filter((severity) => summary[severity] > 0);
  if (found.length === 0) return <span className="badge public">No known vulnerabilities</span>;
  return (
    <span>
      {found.map((severity) => (
        <span key={severity} className={`badge ${severity === 'critical' || severity === 'high' ? 'danger' : ''}`}>
          {summary[severity]} {severity}
        </span>
      ))}
    </span>
  );
}
