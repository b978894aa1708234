import type { Logger } from 'pino';
import type { BlobService } from '../../api/blobs/blob-service.ts';
import { WharfError } from '../../api/errors/catalog.ts';
import type { ManifestPush } from '../../api/manifests/manifest-service.ts';
import type { ManifestService } from '../../api/manifests/manifest-service.ts';
import { OCI_MANIFEST } from '../../api/manifests/media-types.ts';
import { isValidRepositoryName } from '../../api/registry/names.ts';
import type { RepositoryService } from '../../api/repositories/repository-service.ts';
import type { ArchiveLimits } from '../archive/read-chart-archive.ts';
import { ChartInvalidError } from '../chart/chart-invalid-error.ts';
import { type LoadedChart, loadChart } from '../chart/load-chart.ts';
import { checkProvenance, MAX_PROVENANCE_BYTES } from '../chart/provenance.ts';
import type { ChartBlobs } from '../catalog/chart-blobs.ts';
import type { ChartRecord, ChartRecords } from '../catalog/chart-records.ts';
import { buildIndexEntry } from '../index/index-entry.ts';
import {
  buildHelmManifest,
  HELM_CHART_LAYER_MEDIA_TYPE,
  HELM_CONFIG_MEDIA_TYPE,
  HELM_PROVENANCE_MEDIA_TYPE,
  LEGACY_CHART_LAYER_MEDIA_TYPE,
  tagToVersion,
  versionToTag,
} from './helm-manifest.ts';

/**
 * Keeps the chart catalog and the OCI registry in step: a chart uploaded over
 * the chart API gets the manifest `helm push` would have written, and a Helm
 * chart pushed over OCI is validated and indexed like an upload.
 */
export class ChartOciBridge {
  constructor(
    private readonly records: ChartRecords,
    private readonly chartBlobs: ChartBlobs,
    private readonly blobs: BlobService,
    private readonly manifests: ManifestService,
    private readonly repositories: RepositoryService,
    private readonly limits: ArchiveLimits,
    private readonly logger: Logger,
  ) {}

  /**
   * Stores the OCI manifest of an uploaded chart in repository
   * `project/chart`, tagged with the version (`+` written `_`). Returns the
   * manifest digest, or undefined when the chart name cannot be an OCI
   * repository name (upper-case letters, for example).
   */
  async publish(projectName: string, recordId: number, chart: LoadedChart, provenance: Buffer | undefined, created: Date): Promise<string | undefined> {
    const repositoryName = `${projectName}/${chart.metadata.name}`;
    if (!isValidRepositoryName(repositoryName)) {
      this.logger.info({ repository: repositoryName }, 'chart name is not a valid OCI repository name; chart is not published over OCI');
      return undefined;
    }

    const repository = await this.repositories.ensure(repositoryName);
    const createdSeconds = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const artifact = buildHelmManifest(chart.metadata, chart.archive, provenance, createdSeconds);
    await this.chartBlobs.put(artifact.config);
    const digests = [artifact.configDescriptor.digest, chart.digest];
    if (provenance) digests.push(await this.chartBlobs.put(provenance));
    for (const digest of digests) await this.blobs.link(repository.id, digest);

    await this.manifests.put(repository, versionToTag(chart.metadata.version), artifact.manifest, OCI_MANIFEST);
    await this.records.setManifestDigest(recordId, artifact.manifestDigest);
    return artifact.manifestDigest;
  }

  /** Deletes the OCI manifest of a deleted chart version, if it has one. */
  async unpublish(projectName: string, record: ChartRecord): Promise<void> {
    if (!record.manifestDigest) return;
    const repository = await this.repositories.find(`${projectName}/${record.name}`);
    if (!repository) return;
    try {
      await this.manifests.delete(repository, record.manifestDigest);
    } catch (error) {
      if (!(error instanceof WharfError && error.code === 'MANIFEST_UNKNOWN')) throw error;
    }
  }

  /**
   * Manifest push hook: for a Helm chart manifest, validates the chart layer
   * like an upload (raising MANIFEST_INVALID) and returns the step that
   * indexes it once the manifest is stored. Other manifests pass untouched.
   */
  readonly onManifestPush = async (push: ManifestPush): Promise<(() => Promise<void>) | undefined> => {
    const { manifest, repository, reference, digest } = push;
    if (manifest.config?.mediaType !== HELM_CONFIG_MEDIA_TYPE) return undefined;
    const layer = manifest.children.find((child) => child.mediaType === HELM_CHART_LAYER_MEDIA_TYPE || child.mediaType === LEGACY_CHART_LAYER_MEDIA_TYPE);
    if (!layer) throw new WharfError('MANIFEST_INVALID', `a Helm chart manifest needs a layer of type ${HELM_CHART_LAYER_MEDIA_TYPE}`);

    // An upload publishes its own manifest; that chart is already in the catalog.
    const known = await this.records.findByArchiveDigest(repository.projectId, layer.digest);
    if (known && known.source === 'upload') return async () => this.records.setManifestDigest(known.id, digest);

    if (layer.size > this.limits.maxArchiveBytes) {
      throw new WharfError('MANIFEST_INVALID', `the chart layer is ${layer.size} bytes, over the ${this.limits.maxArchiveBytes}-byte chart limit`);
    }
    const chart = await this.#loadLayer(layer.digest);
    const { name, version } = chart.metadata;
    const tagged = !reference.startsWith('sha256:');
    if (tagged && tagToVersion(reference) !== version) {
      throw new WharfError('MANIFEST_INVALID', `tag "${reference}" does not match chart version "${version}"; tag charts with their version (+ written as _)`);
    }
    // helm push always writes to <namespace>/<chart name>, so `helm pull` would not find a chart under another name.
    if (repository.name.split('/').at(-1) !== name) {
      throw new WharfError('MANIFEST_INVALID', `chart "${name}" cannot be stored in repository ${repository.name}: push it to a repository whose last path component is "${name}"`);
    }
    const provenance = manifest.children.find((child) => child.mediaType === HELM_PROVENANCE_MEDIA_TYPE);
    if (provenance) await this.#checkProvenanceLayer(provenance, chart);

    return async () => {
      const created = new Date();
      await this.records.save({
        projectId: repository.projectId,
        name: chart.metadata.name,
        version: chart.metadata.version,
        digest: chart.digest,
        size: chart.archive.length,
        provDigest: provenance?.digest ?? null,
        provSize: provenance?.size ?? null,
        source: 'oci',
        entry: buildIndexEntry(chart.metadata, chart.digest, created),
        details: chart.details,
        createdAt: created,
      });
      const record = await this.records.find(repository.projectId, chart.metadata.name, chart.metadata.version);
      if (record) await this.records.setManifestDigest(record.id, digest);
      this.logger.info({ repository: repository.name, chart: chart.metadata.name, version: chart.metadata.version }, 'indexed chart pushed over OCI');
    };
  };

  /** Raises MANIFEST_INVALID unless the provenance layer is a provenance file that signs the chart layer. */
  async #checkProvenanceLayer(layer: { digest: string; size: number }, chart: LoadedChart): Promise<void> {
    if (layer.size > MAX_PROVENANCE_BYTES) {
      throw new WharfError('MANIFEST_INVALID', `the provenance layer is ${layer.size} bytes, over the ${MAX_PROVENANCE_BYTES}-byte limit`);
    }
    try {
      checkProvenance(await this.chartBlobs.read(layer.digest), chart.metadata.name, chart.metadata.version, chart.digest);
    } catch (error) {
      if (error instanceof ChartInvalidError) throw new WharfError('MANIFEST_INVALID', `the provenance layer is invalid: ${error.message}`);
      throw error;
    }
  }

  async #loadLayer(digest: string): Promise<LoadedChart> {
    try {
      return await loadChart(await this.chartBlobs.read(digest), this.limits);
    } catch (error) {
      if (error instanceof ChartInvalidError) throw new WharfError('MANIFEST_INVALID', `the chart layer is not a valid chart: ${error.message}`);
      throw error;
    }
  }
}
