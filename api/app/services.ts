import type { Logger } from 'pino';
import { AccessTokenService } from '../access-tokens/access-token-service.ts';
import { AccessPolicy } from '../access/authorize.ts';
import { CallerResolver } from '../access/credentials.ts';
import { LoginThrottle } from '../access/login-throttle.ts';
import { AuditService } from '../audit/audit-service.ts';
import { BlobService } from '../blobs/blob-service.ts';
import { type ChartServices, createChartServices } from '../../charts-repo/chart-services.ts';
import type { Config } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import { GcService } from '../gc/gc-service.ts';
import { RetentionService } from '../retention/retention-service.ts';
import { ImmutabilityService } from '../immutability/immutability-service.ts';
import { QuotaService } from '../quota/quota-service.ts';
import { MemberService } from '../members/member-service.ts';
import { OidcSignIn } from '../oidc/oidc-sign-in.ts';
import { ManifestService } from '../manifests/manifest-service.ts';
import { ReferrersService } from '../manifests/referrers-service.ts';
import { ProjectService } from '../projects/project-service.ts';
import { CatalogService } from '../repositories/catalog-service.ts';
import { RepositoryService } from '../repositories/repository-service.ts';
import { RobotService } from '../robots/robot-service.ts';
import { ScanServices } from '../scan/scan-services.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { TagService } from '../tags/tag-service.ts';
import { SigningKeys } from '../token/signing-keys.ts';
import { TokenService } from '../token/token-service.ts';
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
  loginThrottle: LoginThrottle;
  access: AccessPolicy;
  accessTokens: AccessTokenService;
  robots: RobotService;
  members: MemberService;
  audit: AuditService;
  signingKeys: SigningKeys;
  tokens: TokenService;
  projects: ProjectService;
  repositories: RepositoryService;
  blobs: BlobService;
  uploads: UploadService;
  manifests: ManifestService;
  referrers: ReferrersService;
  tags: TagService;
  quota: QuotaService;
  immutability: ImmutabilityService;
  gc: GcService;
  retention: RetentionService;
  catalog: CatalogService;
  /** Vulnerability scanning: advisories, job queue and worker, reports, pull policy. */
  scan: ScanServices;
  /** Helm chart repository (charts-repo/). */
  charts: ChartServices['charts'];
  chartIndex: ChartServices['chartIndex'];
  /** Sign-in with an OpenID Connect ID token; undefined unless the provider is configured. */
  oidc: OidcSignIn | undefined;
}

export function createServices(config: Config, db: Database, storage: StorageDriver, logger: Logger): Services {
  const { prisma } = db;
  const users = new UserService(prisma, db.query);
  const quota = new QuotaService(prisma);
  const immutability = new ImmutabilityService(prisma);
  const blobs = new BlobService(prisma, storage, quota, db.query);
  const manifests = new ManifestService(prisma, blobs, logger, config.maxManifestBytes, quota, immutability);
  const access = new AccessPolicy(prisma, db.query);
  const accessTokens = new AccessTokenService(prisma);
  const robots = new RobotService(prisma);
  const signingKeys = new SigningKeys(prisma);
  const tokens = new TokenService(signingKeys, access, config.tokenTtlSeconds);
  const audit = new AuditService(prisma, logger);
  const loginThrottle = new LoginThrottle(prisma, db.query);
  const callers = new CallerResolver(users, accessTokens, robots, loginThrottle, tokens, db.query);
  callers.onLoginFailure = ({ username, kind, ip, reason, locked }) => {
    const entry = { actor: username, actorKind: kind, clientIp: ip, action: 'login', resource: `${kind}:${username}`, outcome: 'failure' as const, detail: { reason } };
    // Attempts against a lock can come by the thousand, so they are counted into aggregated rows.
    if (locked) audit.recordAggregated(entry);
    else void audit.record(entry);
  };

  const core = {
    config,
    db,
    storage,
    logger,
    users,
    callers,
    loginThrottle,
    access,
    accessTokens,
    robots,
    members: new MemberService(prisma),
    audit,
    signingKeys,
    tokens,
    projects: new ProjectService(prisma, quota),
    repositories: new RepositoryService(prisma, db.query),
    blobs,
    uploads: new UploadService(prisma, storage, blobs, logger),
    manifests,
    quota,
    immutability,
    gc: new GcService(prisma, storage, manifests, logger),
    retention: new RetentionService(prisma, manifests, immutability, logger),
    referrers: new ReferrersService(prisma),
    tags: new TagService(db.query),
    catalog: new CatalogService(db.query),
    scan: new ScanServices({ prisma, storage, blobs, manifests, logger, robots, tokens, config }),
    oidc: config.oidc ? new OidcSignIn(config.oidc, users, accessTokens, audit, logger) : undefined,
  };
  // Storage jobs delete artifacts on no caller's behalf; the audit log names the job.
  core.retention.onArtifactDeleted = ({ projectId, repository, digest, tags }) => {
    void audit.record({ actor: 'retention', actorKind: 'system', action: 'delete', resource: `${repository}@${digest}`, projectId, detail: { tags } });
  };
  core.gc.onArtifactDeleted = ({ projectId, repository, digest }) => {
    void audit.record({ actor: 'gc', actorKind: 'system', action: 'delete', resource: `${repository}@${digest}`, projectId, detail: { untagged: true } });
  };
  return { ...core, ...createChartServices(core) };
}
