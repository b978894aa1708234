import { Prisma } from '../db/generated/client.ts';

/** Kind of content in an artifact, derived from its media types. */
export const ARTIFACT_KINDS = ['IMAGE', 'IMAGE_INDEX', 'CHART', 'SIGNATURE', 'SBOM', 'OTHER'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const IMAGE_CONFIG_TYPES = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];
const HELM_CONFIG_TYPE = 'application/vnd.cncf.helm.config.v1+json';
/** Notation signatures and cosign's OCI 1.1 signatures, by artifact type. */
const SIGNATURE_TYPES = ['application/vnd.cncf.notary.signature', 'application/vnd.dev.cosign.artifact.sig.v1+json'];
/** Layer type of cosign's tag-based signatures (`sha256-<digest>.sig`), whose config is an ordinary image config. */
const COSIGN_SIGNATURE_LAYER = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** SPDX and CycloneDX documents, whether named by the artifact type or by a layer type (`cosign attach sbom`). */
const SBOM_PATTERN = 'spdx|cyclonedx|sbom';

/**
 * SQL expression that classifies the artifact aliased `a`. It lives in SQL so
 * that lists can filter by kind in the query that pages them. The artifact's
 * type is its `artifactType`, or for a Docker manifest (which has none) its
 * config media type.
 */
export const ARTIFACT_KIND_SQL = Prisma.sql`
  CASE
    WHEN a.media_type IN (${Prisma.join(INDEX_TYPES)}) THEN 'IMAGE_INDEX'
    ELSE (
      SELECT CASE
        WHEN t.type = ${HELM_CONFIG_TYPE} THEN 'CHART'
        WHEN t.type IN (${Prisma.join(SIGNATURE_TYPES)}) OR t.type LIKE 'application/vnd.dev.sigstore.bundle%'
          OR EXISTS (SELECT 1 FROM artifact_references l WHERE l.artifact_id = a.id AND l.kind = 'layer' AND l.media_type = ${COSIGN_SIGNATURE_LAYER})
          THEN 'SIGNATURE'
        WHEN t.type ~* ${SBOM_PATTERN}
          OR EXISTS (SELECT 1 FROM artifact_references l WHERE l.artifact_id = a.id AND l.kind = 'layer' AND l.media_type ~* ${SBOM_PATTERN})
          THEN 'SBOM'
        WHEN t.type IN (${Prisma.join(IMAGE_CONFIG_TYPES)}) THEN 'IMAGE'
        ELSE 'OTHER'
      END
      FROM (
        SELECT COALESCE(a.artifact_type, (SELECT c.media_type FROM artifact_references c WHERE c.artifact_id = a.id AND c.kind = 'config' LIMIT 1)) AS type
      ) AS t
    )
  END`;
