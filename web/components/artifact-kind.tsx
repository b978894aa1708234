import type { ArtifactKind } from '@/lib/catalog';

const KIND_LABELS: Record<ArtifactKind, string> = {
  IMAGE: 'Image',
  IMAGE_INDEX: 'Multi-platform image',
  CHART: 'Helm chart',
  SIGNATURE: 'Signature',
  SBOM: 'SBOM',
  OTHER: 'Artifact',
};

export function artifactKindLabel(kind: ArtifactKind): string {
  return KIND_LABELS[kind] ?? kind;
}
