import type { Logger } from 'pino';
import { AccessPolicy } from '../access/authorize.ts';
import { CallerResolver } from '../access/caller.ts';
import { BlobService } from '../blobs/blob-service.ts';
import type { Config } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import { ManifestService } from '../manifests/manifest-service.ts';
import { ReferrersService } from '../manifests/referrers-service.ts';
import { ProjectService } from '../projects/project-service.ts';
import { CatalogService } from '../repositories/catalog-service.ts';
import { RepositoryService } from '../repositories/repository-service.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { TagService } from '../tags/tag-service.ts';
import { UploadService } from '../uploads/upload-service.ts';
import { UserService } from '../users/user-service.ts';

/** Every domain service of one Wharf instance, wired to its database and storage. */
export interface Services {
  config: Config;
  db: Database;
  storage: StorageDriver;
  logger: Logger;
  users: UserService;
  callers: CallerResolver;
  access: AccessPolicy;
  projects: ProjectService;
  repositories: RepositoryService;
  blobs: BlobService;
  uploads: UploadService;
  manifests: ManifestService;
  referrers: ReferrersService;
  tags: TagService;
  catalog: CatalogService;
}

export function createServices(config: Config, db: Database, storage: StorageDriver, logger: Logger): Services {
  const { prisma } = db;
  const users = new UserService(prisma);
  const blobs = new BlobService(prisma, storage);

  return {
    config,
    db,
    storage,
    logger,
    users,
    callers: new CallerResolver(users),
    access: new AccessPolicy(prisma),
    projects: new ProjectService(prisma),
    repositories: new RepositoryService(prisma),
    blobs,
    uploads: new UploadService(prisma, storage, blobs, logger),
    manifests: new ManifestService(prisma, blobs, logger, config.maxManifestBytes),
    referrers: new ReferrersService(prisma),
    tags: new TagService(prisma),
    catalog: new CatalogService(prisma),
  };
}
