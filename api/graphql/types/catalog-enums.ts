import { registerEnumType } from 'type-graphql';
import { ARTIFACT_KINDS, type ArtifactKind } from '../../catalog/artifact-kind.ts';
import { ARTIFACT_SORTS, type ArtifactSort } from '../../catalog/artifact-reader.ts';
import { REPOSITORY_SORTS, type RepositorySort } from '../../catalog/repository-reader.ts';
import { SEARCH_HIT_TYPES, type SearchHitType } from '../../catalog/search-reader.ts';

function enumOf<Value extends string>(values: readonly Value[]): { [Key in Value]: Key } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [Key in Value]: Key };
}

export const ArtifactKindEnum: { [Kind in ArtifactKind]: Kind } = enumOf(ARTIFACT_KINDS);
registerEnumType(ArtifactKindEnum, {
  name: 'ArtifactKind',
  description:
    'Kind of content in an artifact: IMAGE (image manifest), IMAGE_INDEX (multi-platform index), CHART (Helm chart), SIGNATURE (cosign or Notation), SBOM (SPDX or CycloneDX) or OTHER.',
});

export const ArtifactSortEnum: { [Sort in ArtifactSort]: Sort } = enumOf(ARTIFACT_SORTS);
registerEnumType(ArtifactSortEnum, { name: 'ArtifactSort', description: 'Order of artifact lists, always largest or newest first.' });

export const RepositorySortEnum: { [Sort in RepositorySort]: Sort } = enumOf(REPOSITORY_SORTS);
registerEnumType(RepositorySortEnum, {
  name: 'RepositorySort',
  description: 'NAME (byte order), PUSHED_AT and PULLED_AT (latest artifact push or pull), SIZE (bytes).',
});

export const SortOrder = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortOrder = keyof typeof SortOrder;
registerEnumType(SortOrder, { name: 'SortOrder' });

export const SearchHitTypeEnum: { [Type in SearchHitType]: Type } = enumOf(SEARCH_HIT_TYPES);
registerEnumType(SearchHitTypeEnum, { name: 'SearchHitType' });

export const ScanStatus = { NOT_SCANNED: 'NOT_SCANNED', PENDING: 'PENDING', RUNNING: 'RUNNING', SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' } as const;
export type ScanStatus = keyof typeof ScanStatus;
registerEnumType(ScanStatus, {
  name: 'ScanStatus',
  description: 'NOT_SCANNED (no job or report), PENDING (queued), RUNNING, SUCCEEDED (counts set) or FAILED.',
});
