import type { Logger } from 'pino';
import type { BlobService } from '../api/blobs/blob-service.ts';
import type { Config } from '../api/config/index.ts';
import type { Database } from '../api/db/client.ts';
import type { ManifestService } from '../api/manifests/manifest-service.ts';
import type { ProjectService } from '../api/projects/project-service.ts';
import type { QuotaService } from '../api/quota/quota-service.ts';
import type { RepositoryService } from '../api/repositories/repository-service.ts';
import type { StorageDriver } from '../api/storage/driver.ts';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './archive/read-chart-archive.ts';
import { ChartBlobs } from './catalog/chart-blobs.ts';
import { ChartIndexService } from './catalog/chart-index-service.ts';
import { ChartRecords } from './catalog/chart-records.ts';
import { ChartService } from './catalog/chart-service.ts';
import { ChartOciBridge } from './oci/chart-oci-bridge.ts';

/** The registry services the chart repository builds on. */
export interface ChartDependencies {
  config: Config;
  db: Database;
  storage: StorageDriver;
  logger: Logger;
  blobs: BlobService;
  manifests: ManifestService;
  repositories: RepositoryService;
  projects: ProjectService;
  quota: QuotaService;
}

export interface ChartServices {
  charts: ChartService;
  chartIndex: ChartIndexService;
}

/**
 * Creates the chart repository's services and connects them to the registry:
 * Helm charts pushed over OCI are indexed, a chart whose OCI manifest is
 * deleted leaves the catalog, and a project that still contains charts cannot
 * be deleted.
 */
export function createChartServices(dependencies: ChartDependencies): ChartServices {
  const { config, db, storage, logger, blobs, manifests, repositories, projects, quota } = dependencies;
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxArchiveBytes: config.chartMaxBytes };
  const records = new ChartRecords(db.prisma);
  const chartBlobs = new ChartBlobs(db.prisma, storage);
  const chartLogger = logger.child({ component: 'charts' });
  const bridge = new ChartOciBridge(records, chartBlobs, blobs, manifests, repositories, limits, chartLogger);
  const charts = new ChartService(projects, records, chartBlobs, bridge, limits, chartLogger, quota);

  manifests.pushHooks.push(bridge.onManifestPush);
  manifests.deleteHooks.push(charts.onManifestDelete);
  projects.deleteChecks.push(charts.checkProjectEmpty);
  return { charts, chartIndex: new ChartIndexService(records) };
}
