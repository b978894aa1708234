/**
 * Artifacts the scanner reads: container images, whose config is an OCI
 * or Docker image config. Indexes are scanned per platform through their child
 * manifests; other artifacts (SBOMs, signatures, Helm charts) are not scanned.
 */
import { isIndexType } from '../manifests/media-types.ts';

const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

/** Classifies an artifact by its media type and artifact type, as stored on the artifact row. */
export function scanKind(mediaType: string, artifactType: string | null | undefined): 'image' | 'index' | 'other' {
  if (isIndexType(mediaType)) return 'index';
  if (artifactType && IMAGE_CONFIG_TYPES.has(artifactType)) return 'image';
  return 'other';
}
