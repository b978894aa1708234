/**
 * Severity levels of findings, named and ordered as Harbor names them.
 */

/** Severity of one vulnerability, from least to most severe after `Unknown`. */
export type Severity = 'Unknown' | 'Negligible' | 'Low' | 'Medium' | 'High' | 'Critical';

/** Every severity from most to least severe, the order reports list them in. */
export const severitiesBySeverity: readonly Severity[] = [
  'Critical',
  'High',
  'Medium',
  'Low',
  'Negligible',
  'Unknown',
];

const rank: Record<Severity, number> = {
  Unknown: 0,
  Negligible: 1,
  Low: 2,
  Medium: 3,
  High: 4,
  Critical: 5,
};

/** Compares two severities: positive when `a` is more severe than `b`. */
export function compareSeverities(a: Severity, b: Severity): number {
  return rank[a] - rank[b];
}

/**
 * Maps a CVSS v3 or v4 base score to its qualitative rating (CVSS v3.1
 * specification, section 5). A score of 0.0 ("None") maps to Negligible.
 */
export function severityFromCvss3Score(score: number): Severity {
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  if (score > 0) return 'Low';
  return 'Negligible';
}

/** Maps a CVSS v2 base score to the NVD v2 rating, which has no Critical. */
export function severityFromCvss2Score(score: number): Severity {
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  return 'Low';
}

/**
 * Maps a severity word from an advisory database to a level: GitHub's
 * `LOW`/`MODERATE`/`HIGH`/`CRITICAL`, Ubuntu's priorities, and Debian's urgencies
 * (`unimportant`, `low`, `medium`, `high`, `not yet assigned`, sometimes with a
 * trailing `*` or `**`). Returns undefined for a word it does not know.
 */
export function severityFromLabel(label: string): Severity | undefined {
  const word = label.trim().toLowerCase().replace(/\*+$/, '');
  switch (word) {
    case 'critical':
      return 'Critical';
    case 'high':
    case 'important':
      return 'High';
    case 'medium':
    case 'moderate':
      return 'Medium';
    case 'low':
      return 'Low';
    case 'negligible':
    case 'unimportant':
      return 'Negligible';
    case 'unknown':
    case 'not yet assigned':
    case 'untriaged':
      return 'Unknown';
    default:
      return undefined;
  }
}
