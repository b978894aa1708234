import type { Logger } from 'pino';
import type { Prisma } from '../db/client.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { ArtifactReader } from './artifact-reader.ts';
import { ChartReader } from './chart-reader.ts';
import { ConfigDocumentReader } from './config-document.ts';
import { RepositoryReader } from './repository-reader.ts';
import { ScanSummaryReader } from './scan-summary-reader.ts';
import { SearchReader } from './search-reader.ts';

/**
 * Batched, read-only queries behind the GraphQL catalog: repositories,
 * artifacts, charts and search. Changes go through the registry and chart
 * services, which enforce the rules.
 */
export interface CatalogReaders {
  repositories: RepositoryReader;
  artifacts: ArtifactReader;
  charts: ChartReader;
  search: SearchReader;
  scans: ScanSummaryReader;
  configs: ConfigDocumentReader;
}

export function createCatalogReaders(prisma: Prisma, storage: StorageDriver, logger: Logger): CatalogReaders {
  return {
    repositories: new RepositoryReader(prisma),
    artifacts: new ArtifactReader(prisma),
    charts: new ChartReader(prisma),
    search: new SearchReader(prisma),
    scans: new ScanSummaryReader(prisma),
    configs: new ConfigDocumentReader(storage, logger),
  };
}
