import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ArtifactRow } from '../../catalog/artifact-reader.ts';
import { WharfError } from '../../errors/catalog.ts';
import type { ReportStore, StoredReport } from '../../scan/reports/report-store.ts';
import { parseSeverity } from '../../scan/policy/scan-settings.ts';
import { loadVisibleProject, recordChange, requireProjectPermission, requireSystemAdmin } from '../access.ts';
import { canInProject, loadReadableRepository, requireRepositoryPermission } from '../catalog-access.ts';
import type { GraphqlContext } from '../context.ts';
import { Artifact } from '../types/artifact.ts';
import { CveAllowlistEntry, ProjectScanSettings } from '../types/scan-policy.ts';
import { ScanJob, VulnerabilityReport } from '../types/scan-report.ts';

/** Builds the GraphQL view of a stored report with its findings. */
async function reportView(reports: ReportStore, report: StoredReport): Promise<VulnerabilityReport> {
  const findings = await reports.findings(report.id);
  const os = report.os as { prettyName?: string; id?: string; versionId?: string } | null;
  const { summary } = report;
  return {
    status: report.status,
    error: report.error,
    scanner: report.scanner,
    scannerVersion: report.scannerVersion,
    advisoryDatabaseVersion: report.advisoryDatabaseVersion,
    operatingSystem: os?.prettyName ?? (os?.id ? `${os.id} ${os.versionId ?? ''}`.trim() : null),
    packageCount: report.packageCount,
    summary: {
      critical: summary.Critical,
      high: summary.High,
      medium: summary.Medium,
      low: summary.Low,
      negligible: summary.Negligible,
      unknown: summary.Unknown,
      total: summary.total,
      fixable: summary.fixable,
    },
    vulnerabilities: findings.map((finding) => ({
      ...finding,
      id: finding.advisoryId,
      cve: finding.advisoryId.startsWith('CVE-') ? finding.advisoryId : (finding.aliases.find((alias) => alias.startsWith('CVE-')) ?? null),
    })),
    sbomDigest: report.sbomDigest,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
  };
}

/** The full vulnerability report on artifacts. */
@Resolver(() => Artifact)
export class ArtifactScanResolver {
  @FieldResolver(() => VulnerabilityReport, {
    nullable: true,
    description: 'The latest vulnerability report with every finding; null when never scanned, for an index (see its platforms) or without scan:read.',
  })
  async vulnerabilityReport(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<VulnerabilityReport | null> {
    const repository = await context.loaders.catalog.repositoryById.load(artifact.repositoryId);
    if (!repository || !(await canInProject(context, repository.projectId, 'scan:read'))) return null;
    const report = await context.services.scan.reports.find(artifact.id);
    return report ? reportView(context.services.scan.reports, report) : null;
  }
}

/** Scans on request, project scan settings and CVE allowlists. */
@Resolver()
export class ScanResolver {
  @Mutation(() => ScanJob, {
    description: 'Queues a scan of an artifact by tag or digest; an index is scanned per platform. Needs scan:start (maintainer or above).',
  })
  async scanArtifact(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) repositoryName: string,
    @Arg('reference', () => String, { description: 'Tag or digest.' }) reference: string,
  ): Promise<ScanJob> {
    await requireRepositoryPermission(context, repositoryName, 'scan:start');
    const artifact = await context.services.scan.resolve(repositoryName, reference);
    const jobId = await context.services.scan.requestScan(artifact.id, 'manual');
    await recordChange(context, { action: 'scan.start', resource: `${repositoryName}@${artifact.digest}`, detail: { jobId } });
    const state = await context.services.scan.queue.state(jobId);
    return { id: jobId, status: state?.status ?? 'queued', digest: artifact.digest };
  }

  @Query(() => VulnerabilityReport, { nullable: true, description: 'The latest vulnerability report of an image by tag or digest; null when never scanned.' })
  async vulnerabilityReport(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) repositoryName: string,
    @Arg('reference', () => String, { description: 'Tag or digest.' }) reference: string,
  ): Promise<VulnerabilityReport | null> {
    const repository = await loadReadableRepository(context, repositoryName);
    if (!(await canInProject(context, repository.projectId, 'scan:read'))) return null;
    const artifact = await context.services.scan.resolve(repositoryName, reference);
    const report = await context.services.scan.reports.find(artifact.id);
    return report ? reportView(context.services.scan.reports, report) : null;
  }

  @Query(() => ProjectScanSettings, { description: "A project's scan settings and CVE allowlist." })
  async projectScanSettings(@Ctx() context: GraphqlContext, @Arg('project', () => String) projectName: string): Promise<ProjectScanSettings> {
    const { project } = await loadVisibleProject(context, projectName);
    return this.#settingsView(context, project.id, project.name);
  }

  @Mutation(() => ProjectScanSettings, {
    description: 'Changes scan on push and the severity that blocks pulls (an empty string turns the policy off). Project administrators only.',
  })
  async updateProjectScanSettings(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('scanOnPush', () => Boolean, { nullable: true }) scanOnPush?: boolean | null,
    @Arg('preventSeverity', () => String, { nullable: true, description: 'Critical, High, Medium, Low, Negligible or Unknown; "" for none.' })
    preventSeverity?: string | null,
  ): Promise<ProjectScanSettings> {
    const project = await requireProjectPermission(context, projectName, 'project:update');
    const changes = {
      ...(scanOnPush !== undefined && scanOnPush !== null ? { scanOnPush } : {}),
      ...(preventSeverity !== undefined && preventSeverity !== null ? { preventSeverity: preventSeverity === '' ? null : parseSeverity(preventSeverity) } : {}),
    };
    await context.services.scan.settings.update(project.id, changes);
    await recordChange(context, { action: 'project.scan-settings', resource: `project:${project.name}`, projectId: project.id, detail: changes });
    return this.#settingsView(context, project.id, project.name);
  }

  @Mutation(() => [CveAllowlistEntry], {
    description: "Adds CVE ids to a project's allowlist, or to the system-wide one when project is omitted (system administrators only).",
  })
  async allowCves(
    @Ctx() context: GraphqlContext,
    @Arg('cveIds', () => [String]) cveIds: string[],
    @Arg('project', () => String, { nullable: true }) projectName?: string | null,
    @Arg('expiresAt', () => Date, { nullable: true }) expiresAt?: Date | null,
  ): Promise<CveAllowlistEntry[]> {
    const projectId = await this.#allowlistOwner(context, projectName);
    await context.services.scan.settings.allow(projectId, cveIds, expiresAt ?? null);
    await recordChange(context, { action: 'scan.allowlist.add', resource: projectName ? `project:${projectName}` : 'system', ...(projectId ? { projectId } : {}), detail: { cveIds } });
    return context.services.scan.settings.allowlist(projectId);
  }

  @Mutation(() => [CveAllowlistEntry], { description: 'Removes CVE ids from a project allowlist, or from the system-wide one when project is omitted.' })
  async disallowCves(
    @Ctx() context: GraphqlContext,
    @Arg('cveIds', () => [String]) cveIds: string[],
    @Arg('project', () => String, { nullable: true }) projectName?: string | null,
  ): Promise<CveAllowlistEntry[]> {
    const projectId = await this.#allowlistOwner(context, projectName);
    await context.services.scan.settings.disallow(projectId, cveIds);
    await recordChange(context, { action: 'scan.allowlist.remove', resource: projectName ? `project:${projectName}` : 'system', ...(projectId ? { projectId } : {}), detail: { cveIds } });
    return context.services.scan.settings.allowlist(projectId);
  }

  @Query(() => [CveAllowlistEntry], { description: 'The system-wide CVE allowlist, which applies in every project.' })
  async systemCveAllowlist(@Ctx() context: GraphqlContext): Promise<CveAllowlistEntry[]> {
    requireSystemAdmin(context, 'read the system CVE allowlist');
    return context.services.scan.settings.allowlist(null);
  }

  @Mutation(() => String, {
    nullable: true,
    description:
      "Makes every scan use an external scanner that speaks Harbor's Pluggable Scanner Adapter API (base URL without /api/v1), or the built-in scanner when url is null. Returns the URL in use. System administrators only.",
  })
  async setExternalScanner(
    @Ctx() context: GraphqlContext,
    @Arg('url', () => String, { nullable: true }) url?: string | null,
    @Arg('authorization', () => String, { nullable: true, description: 'Authorization header value Wharf sends to the adapter.' })
    authorization?: string | null,
  ): Promise<string | null> {
    requireSystemAdmin(context, 'configure the external scanner');
    try {
      await context.services.scan.externalScanner.set(url ? { url, ...(authorization ? { authorization } : {}) } : undefined);
    } catch (error) {
      throw new WharfError('INVALID_INPUT', (error as Error).message);
    }
    await recordChange(context, { action: 'scan.scanner', resource: 'system', detail: { url: url ?? null } });
    return (await context.services.scan.externalScanner.get())?.url ?? null;
  }

  @Query(() => String, { nullable: true, description: 'Base URL of the external scanner adapter, or null when the built-in scanner is used. System administrators only.' })
  async externalScanner(@Ctx() context: GraphqlContext): Promise<string | null> {
    requireSystemAdmin(context, 'read the external scanner setting');
    return (await context.services.scan.externalScanner.get())?.url ?? null;
  }

  /** Returns the project id whose allowlist changes (project:update needed), or null for the system one (admins only). */
  async #allowlistOwner(context: GraphqlContext, projectName: string | null | undefined): Promise<number | null> {
    if (!projectName) {
      requireSystemAdmin(context, 'change the system CVE allowlist');
      return null;
    }
    return (await requireProjectPermission(context, projectName, 'project:update')).id;
  }

  async #settingsView(context: GraphqlContext, projectId: number, name: string): Promise<ProjectScanSettings> {
    const settings = await context.services.scan.settings.get(projectId);
    return {
      project: name,
      scanOnPush: settings.scanOnPush,
      preventSeverity: settings.preventSeverity ?? null,
      allowlist: await context.services.scan.settings.allowlist(projectId),
    };
  }
}
