import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { WharfError } from '../../api/errors/catalog.ts';
import type { ProjectService, ProjectSummary } from '../../api/projects/project-service.ts';
import type { RepositoryRef } from '../../api/repositories/repository-service.ts';
import type { CountedContent, QuotaService } from '../../api/quota/quota-service.ts';
import type { ArchiveLimits } from '../archive/read-chart-archive.ts';
import { ChartInvalidError } from '../chart/chart-invalid-error.ts';
import { chartFileName, type LoadedChart, loadChart } from '../chart/load-chart.ts';
import { checkProvenance, parseProvenance } from '../chart/provenance.ts';
import { compareNewestFirst, isStrictSemVer } from '../chart/semver.ts';
import { buildIndexEntry, chartUrl, type IndexEntry } from '../index/index-entry.ts';
import type { ChartOciBridge } from '../oci/chart-oci-bridge.ts';
import type { ChartBlobs } from './chart-blobs.ts';
import type { ChartRecord, ChartRecords } from './chart-records.ts';

/** A version as the ChartMuseum API returns it: its index entry with `urls`. */
export type ChartVersionView = IndexEntry & { urls: string[] };

/** A downloadable file of the repository. */
export interface ChartDownload {
  stream: Readable;
  size: number;
  contentType: string;
}

export interface UploadOptions {
  /** Replace an existing version with the same name instead of raising CONFLICT. */
  force: boolean;
  provenance?: Buffer;
}

function toView(record: ChartRecord): ChartVersionView {
  return { ...record.entry, urls: [chartUrl(chartFileName(record.name, record.version))] };
}

/**
 * Chart uploads, provenance files, reads and deletes for one project's Helm
 * repository. Archives and provenance files are blobs in the registry's
 * storage, and each version's index entry is a database row.
 */
export class ChartService {
  constructor(
    private readonly projects: ProjectService,
    private readonly records: ChartRecords,
    private readonly chartBlobs: ChartBlobs,
    private readonly oci: ChartOciBridge,
    private readonly limits: ArchiveLimits,
    private readonly logger: Logger,
    private readonly quota: QuotaService,
  ) {}

  /**
   * Validates and stores a chart archive, with an optional provenance file,
   * and publishes it over OCI. Raises ChartInvalidError for a bad archive and
   * CONFLICT for an existing version unless `force` is set.
   */
  async upload(projectName: string, archive: Buffer, options: UploadOptions): Promise<ChartVersionView> {
    const project = await this.projects.get(projectName);
    const chart = await loadChart(archive, this.limits);
    const { name, version } = chart.metadata;
    if (options.provenance) checkProvenance(options.provenance, name, version, chart.digest);

    const existing = await this.records.find(project.id, name, version);
    if (existing && !options.force) {
      throw new WharfError('CONFLICT', `chart ${name}-${version} already exists in ${projectName}; upload with ?force=true to replace it`);
    }

    await this.chartBlobs.put(archive);
    const provDigest = options.provenance ? await this.chartBlobs.put(options.provenance) : null;
    // Counted before the version is saved, so an upload over the quota leaves no version behind.
    const counted = countedFiles(chart.digest, archive.length, provDigest, options.provenance?.length);
    await this.quota.chargeAll(project.id, counted);
    const created = new Date();
    await this.#saveOrRelease(project.id, counted, {
      projectId: project.id,
      name,
      version,
      digest: chart.digest,
      size: archive.length,
      provDigest,
      provSize: options.provenance?.length ?? null,
      source: 'upload',
      entry: buildIndexEntry(chart.metadata, chart.digest, created),
      details: chart.details,
      createdAt: created,
    });
    if (existing) await this.quota.releaseUnused(project.id, recordFiles(existing));

    const record = (await this.records.find(project.id, name, version))!;
    await this.#publish(projectName, record.id, chart, options.provenance, created);
    this.logger.info({ project: projectName, chart: name, version, digest: chart.digest }, 'chart uploaded');
    return toView(record);
  }

  /**
   * Adds a provenance file to an existing version. Its signed file list must
   * name the archive with the stored digest. Raises NOT_FOUND for an unknown
   * version and CONFLICT when one exists, unless `force` is set.
   */
  async addProvenance(projectName: string, provenance: Buffer, force: boolean): Promise<void> {
    const project = await this.projects.get(projectName);
    const parsed = parseProvenance(provenance);
    const record = await this.records.find(project.id, parsed.name, parsed.version);
    if (!record) {
      throw new WharfError('NOT_FOUND', `chart ${parsed.name}-${parsed.version} not found in ${projectName}; upload the chart before its provenance file`);
    }
    if (record.provDigest && !force) {
      throw new WharfError('CONFLICT', `chart ${parsed.name}-${parsed.version} already has a provenance file; upload with ?force=true to replace it`);
    }
    checkProvenance(provenance, record.name, record.version, record.digest);

    const digest = await this.chartBlobs.put(provenance);
    await this.quota.chargeAll(project.id, [{ digest, size: provenance.length }]);
    try {
      await this.records.setProvenance(record.id, project.id, digest, provenance.length);
    } finally {
      // Releases the new file when saving failed, and the replaced one when it succeeded.
      await this.quota.releaseUnused(project.id, record.provDigest ? [digest, record.provDigest] : [digest]);
    }
    if (record.source === 'upload') {
      const chart = await loadChart(await this.chartBlobs.read(record.digest), this.limits);
      await this.#publish(projectName, record.id, chart, provenance, record.createdAt);
    }
  }

  /** Saves the version. When that fails, releases the quota charged for its files and rethrows. */
  async #saveOrRelease(projectId: number, counted: CountedContent[], input: Parameters<ChartRecords['save']>[0]): Promise<void> {
    try {
      await this.records.save(input);
    } catch (error) {
      await this.quota.releaseUnused(projectId, counted.map((file) => file.digest));
      throw error;
    }
  }

  /**
   * Publishes the version over OCI. The archive and provenance file are
   * counted already, but the OCI config and manifest add a few hundred bytes.
   * When those exceed the quota, the version stays in the chart repository and
   * in the quota, but without an OCI manifest, like a chart whose name is not
   * a valid OCI repository name.
   */
  async #publish(projectName: string, recordId: number, chart: LoadedChart, provenance: Buffer | undefined, created: Date): Promise<void> {
    try {
      await this.oci.publish(projectName, recordId, chart, provenance, created);
    } catch (error) {
      if (!(error instanceof WharfError && error.code === 'DENIED')) throw error;
      this.logger.warn({ project: projectName, chart: chart.metadata.name, version: chart.metadata.version, err: error }, 'chart not published over OCI: storage quota full');
    }
  }

  /** Every chart of the project with its versions newest first, keyed by name. */
  async listCharts(projectName: string): Promise<Record<string, ChartVersionView[]>> {
    const project = await this.projects.get(projectName);
    const charts: Record<string, ChartVersionView[]> = {};
    for (const record of await this.records.list(project.id)) (charts[record.name] ??= []).push(toView(record));
    for (const versions of Object.values(charts)) versions.sort((left, right) => compareNewestFirst(left.version, right.version));
    return charts;
  }

  /** Lists the versions of one chart, newest first. Raises NOT_FOUND when there are none. */
  async listVersions(projectName: string, name: string): Promise<ChartVersionView[]> {
    const project = await this.projects.get(projectName);
    const records = await this.records.list(project.id, name);
    if (records.length === 0) throw new WharfError('NOT_FOUND', 'chart not found');
    return records.map(toView).sort((left, right) => compareNewestFirst(left.version, right.version));
  }

  /** Finds one version, where `latest` selects the newest that is not a pre-release. Raises NOT_FOUND. */
  async getVersion(projectName: string, name: string, version: string): Promise<ChartVersionView> {
    const project = await this.projects.get(projectName);
    if (version === 'latest') {
      const stable = (await this.records.list(project.id, name)).filter((record) => !record.version.split('+')[0]!.includes('-'));
      const newest = stable.sort((left, right) => compareNewestFirst(left.version, right.version))[0];
      if (newest) return toView(newest);
    } else {
      const record = await this.records.find(project.id, name, version);
      if (record) return toView(record);
    }
    throw new WharfError('NOT_FOUND', `no chart version found for ${name}-${version}`);
  }

  /** Deletes a version from the catalog and its OCI tag. Raises NOT_FOUND. */
  async deleteVersion(projectName: string, name: string, version: string): Promise<void> {
    const project = await this.projects.get(projectName);
    const record = await this.records.find(project.id, name, version);
    if (!record || !(await this.records.delete(project.id, name, version))) {
      throw new WharfError('NOT_FOUND', `no chart version found for ${name}-${version}`);
    }
    await this.oci.unpublish(projectName, record);
    await this.quota.releaseUnused(project.id, recordFiles(record));
    this.logger.info({ project: projectName, chart: name, version }, 'chart deleted');
  }

  /** Opens `<name>-<version>.tgz` or its `.prov`. Raises NOT_FOUND. */
  async openFile(projectName: string, fileName: string): Promise<ChartDownload> {
    const project = await this.projects.get(projectName);
    const isProvenance = fileName.endsWith('.tgz.prov');
    const base = fileName.replace(/\.tgz(\.prov)?$/, '');
    if (base === fileName) throw new WharfError('NOT_FOUND', `no chart file ${fileName}: chart files end in .tgz or .tgz.prov`);

    const record = await this.records.findAny(project.id, splitFileName(base));
    const digest = isProvenance ? record?.provDigest : record?.digest;
    const size = isProvenance ? record?.provSize : record?.size;
    if (!record || !digest || size === null || size === undefined) throw new WharfError('NOT_FOUND', `object not found: ${fileName}`);

    const contentType = isProvenance ? 'application/pgp-signature' : 'application/gzip';
    return { stream: await this.chartBlobs.open(digest), size, contentType };
  }

  /**
   * Removes from the catalog the versions whose OCI manifest was deleted (over
   * /v2/, by garbage collection or by retention), so index.yaml and the
   * registry agree. Registered as a manifest delete hook.
   */
  readonly onManifestDelete = async (repository: RepositoryRef, manifestDigest: string): Promise<void> => {
    for (const record of await this.records.findByManifestDigest(repository.projectId, manifestDigest)) {
      if (!repository.name.endsWith(`/${record.name}`)) continue;
      if (!(await this.records.delete(record.projectId, record.name, record.version))) continue;
      await this.quota.releaseUnused(record.projectId, recordFiles(record));
      this.logger.info({ repository: repository.name, chart: record.name, version: record.version }, 'chart deleted with its OCI manifest');
    }
  };

  /** Raises CONFLICT while the project contains charts, so deleting it cannot drop them silently. */
  readonly checkProjectEmpty = async (project: ProjectSummary): Promise<void> => {
    const count = await this.records.count(project.id);
    if (count > 0) throw new WharfError('CONFLICT', `project "${project.name}" still holds ${count} chart versions; delete them first`);
  };
}

/** The archive and optional provenance file of a version, as quotas count them. */
function countedFiles(digest: string, size: number, provDigest: string | null, provSize: number | undefined): CountedContent[] {
  const files = [{ digest, size }];
  if (provDigest && provSize !== undefined) files.push({ digest: provDigest, size: provSize });
  return files;
}

/** Digests of a stored version's archive and provenance file. */
function recordFiles(record: ChartRecord): string[] {
  return record.provDigest ? [record.digest, record.provDigest] : [record.digest];
}

/**
 * Candidate (name, version) pairs for a file name without extension. Names
 * and versions may both contain `-`, so every split whose version part is
 * valid SemVer is a candidate, and the database picks the one that exists.
 */
function splitFileName(base: string): { name: string; version: string }[] {
  const candidates: { name: string; version: string }[] = [];
  for (let index = base.indexOf('-'); index > 0; index = base.indexOf('-', index + 1)) {
    const version = base.slice(index + 1);
    if (isStrictSemVer(version)) candidates.push({ name: base.slice(0, index), version });
  }
  return candidates;
}
