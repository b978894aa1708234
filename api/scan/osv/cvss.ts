/**
 * CVSS base scores from vector strings, by the formulas of the CVSS v3.1
 * specification (section 7, which v3.0 shares apart from rounding) and the CVSS
 * v2 guide (section 3.2.1).
 */

const v3Weights: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

/**
 * Computes the base score of a CVSS v3.0 or v3.1 vector such as
 * `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`. Temporal and environmental
 * metrics in the vector are ignored. Throws on a vector with a missing or unknown
 * base metric.
 */
export function cvss3BaseScore(vector: string): number {
  const metrics = parseVector(vector);
  if (!/^3\.[01]$/.test(metrics.get('CVSS') ?? '')) {
    throw new Error(`invalid CVSS v3 vector "${vector}": it must start with CVSS:3.0 or CVSS:3.1`);
  }

  const scope = metricValue(metrics, 'S', vector);
  if (scope !== 'U' && scope !== 'C') throw invalidMetric(vector, 'S');
  const changed = scope === 'C';
  const weight = (name: string) => {
    const value = v3Weights[name]![metricValue(metrics, name, vector)];
    if (value === undefined) throw invalidMetric(vector, name);
    return value;
  };
  const privileges = { N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27 }[
    metricValue(metrics, 'PR', vector)
  ];
  if (privileges === undefined) throw invalidMetric(vector, 'PR');

  const impactSubScore = 1 - (1 - weight('C')) * (1 - weight('I')) * (1 - weight('A'));
  const impact = changed
    ? 7.52 * (impactSubScore - 0.029) - 3.25 * (impactSubScore - 0.02) ** 15
    : 6.42 * impactSubScore;
  const exploitability = 8.22 * weight('AV') * weight('AC') * privileges * weight('UI');
  if (impact <= 0) return 0;

  const total = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
  return roundUp(Math.min(total, 10));
}

const v2Weights: Record<string, Record<string, number>> = {
  AV: { L: 0.395, A: 0.646, N: 1 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  C: { N: 0, P: 0.275, C: 0.66 },
  I: { N: 0, P: 0.275, C: 0.66 },
  A: { N: 0, P: 0.275, C: 0.66 },
};

/** Computes the base score of a CVSS v2 vector such as `AV:N/AC:L/Au:N/C:P/I:P/A:P`. */
export function cvss2BaseScore(vector: string): number {
  const metrics = parseVector(vector.replace(/^\(|\)$/g, ''));
  const weight = (name: string) => {
    const value = v2Weights[name]![metricValue(metrics, name, vector)];
    if (value === undefined) throw invalidMetric(vector, name);
    return value;
  };

  const impact = 10.41 * (1 - (1 - weight('C')) * (1 - weight('I')) * (1 - weight('A')));
  const exploitability = 20 * weight('AV') * weight('AC') * weight('Au');
  const factor = impact === 0 ? 0 : 1.176;
  const score = (0.6 * impact + 0.4 * exploitability - 1.5) * factor;
  return Math.round(score * 10) / 10;
}

function parseVector(vector: string): Map<string, string> {
  const metrics = new Map<string, string>();
  for (const part of vector.trim().split('/')) {
    const [name, value] = part.split(':');
    if (name && value !== undefined) metrics.set(name, value);
  }
  return metrics;
}

function metricValue(metrics: Map<string, string>, name: string, vector: string): string {
  const value = metrics.get(name);
  if (value === undefined) throw new Error(`invalid CVSS vector "${vector}": metric ${name} is missing`);
  return value;
}

function invalidMetric(vector: string, name: string): Error {
  return new Error(`invalid CVSS vector "${vector}": metric ${name} has an unknown value`);
}

/**
 * Rounds up to one decimal as CVSS v3.1 Appendix A defines it, working in integers
 * so that floating-point noise (4.000000001) does not round up to 4.1.
 */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100000);
  if (scaled % 10000 === 0) return scaled / 100000;
  return (Math.floor(scaled / 10000) + 1) / 10;
}
