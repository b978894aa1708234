import { createHash } from 'node:crypto';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, readChartArchive } from '../archive/read-chart-archive.ts';
import { ChartInvalidError } from './chart-invalid-error.ts';
import { type ChartDetails, extractChartDetails } from './chart-details.ts';
import { type ChartMetadata, parseChartYaml } from './chart-metadata.ts';

/** A validated chart archive: its bytes, digest, metadata and extracted details. */
export interface LoadedChart {
  archive: Buffer;
  /** `sha256:<hex>` of the archive bytes. */
  digest: string;
  metadata: ChartMetadata;
  details: ChartDetails;
}

/** Unpacks and validates a chart archive; raises ChartInvalidError with the reason. */
export async function loadChart(archive: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<LoadedChart> {
  const content = await readChartArchive(archive, limits);
  const chartYaml = content.files.find((file) => file.path === 'Chart.yaml');
  if (!chartYaml) throw new ChartInvalidError(`Chart.yaml is missing from the chart folder "${content.folder}"`);

  const metadata = parseChartYaml(chartYaml.data.toString('utf8'));
  const details = extractChartDetails(content.files, metadata.dependencies);
  // Dependencies from requirements.yaml belong to the metadata, so index.yaml and the OCI config list them as Helm's do.
  if (details.dependencies.length > 0) metadata.dependencies = details.dependencies;
  const digest = `sha256:${createHash('sha256').update(archive).digest('hex')}`;
  return { archive, digest, metadata, details };
}

/** File name of a chart archive in the repository: `<name>-<version>.tgz`. */
export function chartFileName(name: string, version: string): string {
  return `${name}-${version}.tgz`;
}
