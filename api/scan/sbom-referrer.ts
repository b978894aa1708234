/**
 * Stores an image's SBOM as an OCI artifact whose subject is the image, so it is
 * listed by the referrers API and pulled with any OCI client (`oras`, `skopeo`).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobService } from '../blobs/blob-service.ts';
import { digestOf } from '../digest/digest.ts';
import type { ManifestService } from '../manifests/manifest-service.ts';
import { OCI_MANIFEST } from '../manifests/media-types.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { uploadKey } from '../storage/paths.ts';

/** Media type of the SBOM layer and artifact type of the SBOM manifest. */
export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json';
const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };

/** The image the SBOM describes, as a descriptor. */
export interface SbomSubjectDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export class SbomReferrers {
  constructor(
    private readonly storage: StorageDriver,
    private readonly blobs: BlobService,
    private readonly manifests: ManifestService,
  ) {}

  /** Pushes the SBOM document and its manifest into the image's repository; returns the manifest digest. */
  async store(repository: RepositoryRef, subject: SbomSubjectDescriptor, sbom: object): Promise<string> {
    const document = Buffer.from(JSON.stringify(sbom));
    const layer = await this.#storeBlob(repository, document);
    const config = await this.#storeBlob(repository, EMPTY_CONFIG.bytes);

    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: CYCLONEDX_MEDIA_TYPE,
      config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: CYCLONEDX_MEDIA_TYPE, digest: layer.digest, size: layer.size }],
      subject,
      annotations: { 'org.opencontainers.image.created': new Date().toISOString() },
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = digestOf(bytes, 'sha256');
    await this.manifests.put(repository, digest, bytes, OCI_MANIFEST);
    return digest;
  }

  /** Deletes an SBOM manifest that a newer scan replaced. */
  async remove(repository: RepositoryRef, digest: string): Promise<void> {
    await this.manifests.deleteArtifact(repository, digest);
  }

  async #storeBlob(repository: RepositoryRef, bytes: Buffer): Promise<{ digest: string; size: number }> {
    const digest = digestOf(bytes, 'sha256');
    const temporary = uploadKey(randomUUID());
    await this.storage.writeAt(temporary, 0, Readable.from([bytes]));
    await this.blobs.commit(repository.id, digest, bytes.length, temporary);
    return { digest, size: bytes.length };
  }
}
