import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { ArtifactKind } from '../../catalog/artifact-kind.ts';
import type { ArtifactRow, ArtifactSort, ReferenceRow, TagRow } from '../../catalog/artifact-reader.ts';
import type { RepositoryRow } from '../../catalog/repository-reader.ts';
import { looksLikeDigest } from '../../digest/digest.ts';
import { WharfError } from '../../errors/catalog.ts';
import { repositoryPath, selects } from '../../retention/selectors.ts';
import { canInProject, loadReadableRepository } from '../catalog-access.ts';
import { type ImageHistoryEntry as HistoryRow, parseImageHistory } from '../../catalog/image-history.ts';
import type { ScanSummaryRecord } from '../../catalog/scan-summary-reader.ts';
import type { ArtifactLabelRecord } from '../../labels/label-service.ts';
import type { GraphqlContext } from '../context.ts';
import type { Connection } from '../pagination.ts';
import { Artifact, ArtifactConnection, ImageHistoryEntry, Label, Layer, Platform, ScanSummary, Tag } from '../types/artifact.ts';
import { ArtifactKindEnum, ArtifactSortEnum } from '../types/catalog-enums.ts';
import { Repository } from '../types/repository.ts';
import { listArtifacts } from './repository-resolver.ts';

interface PlatformView {
  os: string | null;
  architecture: string | null;
  variant: string | null;
  osVersion: string | null;
  digest: string;
  mediaType: string;
  size: number;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toPlatform(reference: ReferenceRow): PlatformView {
  const platform = reference.platform ?? {};
  return {
    os: text(platform.os),
    architecture: text(platform.architecture),
    variant: text(platform.variant),
    osVersion: text(platform['os.version']),
    digest: reference.digest,
    mediaType: reference.mediaType,
    size: reference.size,
  };
}

/** Finds an artifact by tag or digest in a repository the caller may read; raises NOT_FOUND. */
export async function loadArtifact(context: GraphqlContext, repository: RepositoryRow, reference: string): Promise<ArtifactRow> {
  const artifact = looksLikeDigest(reference)
    ? await context.loaders.catalog.artifactByDigest.load({ repositoryId: repository.id, digest: reference })
    : await context.loaders.catalog.artifactByTag.load({ repositoryId: repository.id, tag: reference });
  if (!artifact) throw new WharfError('NOT_FOUND', `artifact ${reference} not found in ${repository.name}`);
  return artifact;
}

/** Decodes manifest bytes as UTF-8 without replacing anything, so the text is the stored bytes exactly. */
function manifestText(content: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(content);
  } catch {
    return null;
  }
}

/** Loads the config document of an image manifest when it is JSON and small enough to read. */
async function configDocumentOf(context: GraphqlContext, artifact: ArtifactRow): Promise<string | undefined> {
  const references = await context.loaders.catalog.referencesByArtifact.load(artifact.id);
  const config = references.find((reference) => reference.kind === 'config');
  if (!config) return undefined;
  return context.loaders.catalog.configDocument.load({ digest: config.digest, mediaType: config.mediaType, size: config.size });
}

async function repositoryOf(context: GraphqlContext, repositoryId: number): Promise<RepositoryRow> {
  const repository = await context.loaders.catalog.repositoryById.load(repositoryId);
  if (!repository) throw new WharfError('NOT_FOUND', 'repository not found');
  return repository;
}

@Resolver(() => Artifact)
export class ArtifactResolver {
  @Query(() => Artifact, { description: 'An artifact by repository and tag or digest. NOT_FOUND when missing or not visible to the caller.' })
  async artifact(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) repositoryName: string,
    @Arg('reference', () => String, { description: 'A tag or a digest.' }) reference: string,
  ): Promise<ArtifactRow> {
    return loadArtifact(context, await loadReadableRepository(context, repositoryName), reference);
  }

  @Query(() => ArtifactConnection, { description: "A repository's artifacts, newest push first unless sorted otherwise. Needs repository:pull." })
  async artifacts(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) repositoryName: string,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('sort', () => ArtifactSortEnum, { nullable: true, defaultValue: 'PUSHED_AT' }) sort?: ArtifactSort | null,
    @Arg('kind', () => ArtifactKindEnum, { nullable: true }) kind?: ArtifactKind | null,
  ): Promise<Connection<ArtifactRow>> {
    return listArtifacts(context, await loadReadableRepository(context, repositoryName), { first, after, sort, kind });
  }

  @FieldResolver(() => Repository)
  async repository(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<RepositoryRow> {
    return repositoryOf(context, artifact.repositoryId);
  }

  @FieldResolver(() => [Tag], { description: 'Tags pointing at the artifact, by name.' })
  async tags(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<TagRow[]> {
    return context.loaders.catalog.tagsByArtifact.load(artifact.id);
  }

  @FieldResolver(() => Layer, { nullable: true, description: 'Config blob of an image manifest; null for an index.' })
  async config(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<ReferenceRow | null> {
    const references = await context.loaders.catalog.referencesByArtifact.load(artifact.id);
    return references.find((reference) => reference.kind === 'config') ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The manifest exactly as stored, so its SHA-256 is the digest; null when its bytes are not UTF-8 text.',
  })
  async manifest(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<string | null> {
    const content = await context.loaders.catalog.manifestByArtifact.load(artifact.id);
    if (!content) throw new WharfError('NOT_FOUND', `manifest of artifact ${artifact.digest} not found`);
    return manifestText(content);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The config blob as stored, when its media type is JSON and it is at most 1 MiB; null otherwise and for an index.',
  })
  async configJson(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<string | null> {
    return (await configDocumentOf(context, artifact)) ?? null;
  }

  @FieldResolver(() => [ImageHistoryEntry], {
    nullable: true,
    description: "Build steps from the config's history array, oldest first; null when configJson is null.",
  })
  async history(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<HistoryRow[] | null> {
    const document = await configDocumentOf(context, artifact);
    return document === undefined ? null : parseImageHistory(document);
  }

  @FieldResolver(() => [Layer], { description: 'Layers of an image manifest in order; empty for an index.' })
  async layers(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<ReferenceRow[]> {
    const references = await context.loaders.catalog.referencesByArtifact.load(artifact.id);
    return references.filter((reference) => reference.kind === 'layer');
  }

  @FieldResolver(() => [Platform], { description: 'Platforms of an image index with their manifests; empty for other artifacts.' })
  async platforms(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<PlatformView[]> {
    const references = await context.loaders.catalog.referencesByArtifact.load(artifact.id);
    return references.filter((reference) => reference.kind === 'manifest').map(toPlatform);
  }

  @FieldResolver(() => [Artifact], {
    description: 'Accessories: artifacts of the same repository whose subject is this one, such as signatures and SBOMs, oldest first.',
  })
  async referrers(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<ArtifactRow[]> {
    return context.loaders.catalog.referrers.load({ repositoryId: artifact.repositoryId, digest: artifact.digest });
  }

  @FieldResolver(() => Artifact, { nullable: true, description: 'The artifact this one refers to, when it is stored in the same repository.' })
  async subject(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<ArtifactRow | null> {
    if (artifact.subjectDigest === null) return null;
    return (await context.loaders.catalog.artifactByDigest.load({ repositoryId: artifact.repositoryId, digest: artifact.subjectDigest })) ?? null;
  }

  @FieldResolver(() => [Label], { description: 'Project labels attached to the artifact, by name.' })
  async labels(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<ArtifactLabelRecord[]> {
    return context.loaders.catalog.labelsByArtifact.load(artifact.id);
  }

  @FieldResolver(() => ScanSummary, { nullable: true, description: 'Summary of the latest vulnerability scan; null without scan:read.' })
  async scan(@Root() artifact: ArtifactRow, @Ctx() context: GraphqlContext): Promise<ScanSummaryRecord | null> {
    const repository = await repositoryOf(context, artifact.repositoryId);
    if (!(await canInProject(context, repository.projectId, 'scan:read'))) return null;
    return context.loaders.catalog.scanSummary.load(artifact.id);
  }
}

@Resolver(() => Tag)
export class TagResolver {
  @FieldResolver(() => Boolean, { description: 'True when an immutable tag rule of the project matches, so the tag cannot be moved or deleted.' })
  async immutable(@Root() tag: TagRow, @Ctx() context: GraphqlContext): Promise<boolean> {
    const repository = await repositoryOf(context, tag.repositoryId);
    const rules = await context.loaders.catalog.immutableRulesByProject.load(repository.projectId);
    const path = repositoryPath(repository.name);
    return rules.some((rule) => selects(rule.repository, path) && selects(rule.tag, tag.name));
  }

  @FieldResolver(() => Artifact)
  async artifact(@Root() tag: TagRow, @Ctx() context: GraphqlContext): Promise<ArtifactRow> {
    const artifact = await context.loaders.catalog.artifactById.load(tag.artifactId);
    if (!artifact) throw new WharfError('NOT_FOUND', `artifact of tag ${tag.name} not found`);
    return artifact;
  }
}
