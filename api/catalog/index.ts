import type { Prisma } from '../db/client.ts';
import { ArtifactReader } from './artifact-reader.ts';
import { ChartReader } from './chart-reader.ts';
import { RepositoryReader } from './repository-reader.ts';
import { ScanSummaryReader } from './scan-summary-reader.ts';
import { SearchReader } from './search-reader.ts';

/**
 * Batched, read-only queries behind the GraphQL catalog: repositories,
 * artifacts, charts and search. Changes go through the registry and chart
 * services, which hold the rules.
 */
export interface CatalogReaders {
  repositories: RepositoryReader;
  artifacts: ArtifactReader;
  charts: ChartReader;
  search: SearchReader;
  scans: ScanSummaryReader;
}

export function createCatalogReaders(prisma: Prisma): CatalogReaders {
  return {
    repositories: new RepositoryReader(prisma),
    artifacts: new ArtifactReader(prisma),
    charts: new ChartReader(prisma),
    search: new SearchReader(prisma),
    scans: new ScanSummaryReader(prisma),
  };
}
