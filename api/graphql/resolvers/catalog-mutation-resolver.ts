import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { ArtifactRow } from '../../catalog/artifact-reader.ts';
import type { RepositoryRow } from '../../catalog/repository-reader.ts';
import { looksLikeDigest } from '../../digest/digest.ts';
import { WharfError } from '../../errors/catalog.ts';
import { isValidTag } from '../../registry/names.ts';
import { recordChange, requireProjectPermission } from '../access.ts';
import { requireRepositoryPermission } from '../catalog-access.ts';
import { createCatalogLoaders } from '../catalog-loaders.ts';
import type { GraphqlContext } from '../context.ts';
import { Artifact } from '../types/artifact.ts';
import { loadArtifact } from './artifact-resolver.ts';

function checkTag(tag: string): void {
  if (!isValidTag(tag)) throw new WharfError('INVALID_INPUT', `invalid tag "${tag}": use up to 128 letters, digits and . _ - starting with a letter, digit or _`);
}

/** Drops everything this request has loaded from the catalog, so fields after a change read the new state. */
function forgetLoadedCatalog(context: GraphqlContext): void {
  context.loaders.catalog = createCatalogLoaders(context.catalog, context.labels, context.services.db.prisma);
}

async function reloadArtifact(context: GraphqlContext, artifact: ArtifactRow): Promise<ArtifactRow> {
  forgetLoadedCatalog(context);
  const reloaded = await context.loaders.catalog.artifactById.load(artifact.id);
  if (!reloaded) throw new WharfError('NOT_FOUND', `artifact ${artifact.digest} was deleted`);
  return reloaded;
}

async function recordRepositoryChange(context: GraphqlContext, repository: RepositoryRow, action: string, reference: string, detail?: Record<string, unknown>) {
  await recordChange(context, { action, resource: `${repository.name}@${reference}`, projectId: repository.projectId, ...(detail ? { detail } : {}) });
}

/**
 * Changes to artifacts, tags, labels and chart versions. Each checks the
 * caller's permission in the project, then calls the registry or chart
 * service that enforces the rules (immutable tags, quota release).
 */
@Resolver()
export class CatalogMutationResolver {
  @Mutation(() => Boolean, {
    description: 'Deletes an artifact with its tags and releases the storage the project no longer uses. Needs artifact:delete; FORBIDDEN when a tag is immutable.',
  })
  async deleteArtifact(@Ctx() context: GraphqlContext, @Arg('repository', () => String) name: string, @Arg('digest', () => String) digest: string): Promise<boolean> {
    const { repository } = await requireRepositoryPermission(context, name, 'artifact:delete');
    if (!looksLikeDigest(digest)) throw new WharfError('INVALID_INPUT', `invalid digest "${digest}": use algorithm:hex, such as sha256:...`);

    const deleted = await context.services.manifests.deleteArtifact(repository, digest);
    if (!deleted) throw new WharfError('NOT_FOUND', `artifact ${digest} not found in ${name}`);
    forgetLoadedCatalog(context);
    await recordRepositoryChange(context, repository, 'delete', digest);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Deletes a tag; the artifact stays. Needs tag:delete; FORBIDDEN when the tag is immutable.' })
  async deleteTag(@Ctx() context: GraphqlContext, @Arg('repository', () => String) name: string, @Arg('tag', () => String) tag: string): Promise<boolean> {
    const { repository } = await requireRepositoryPermission(context, name, 'tag:delete');
    checkTag(tag);

    await context.services.manifests.delete(repository, tag);
    forgetLoadedCatalog(context);
    await recordRepositoryChange(context, repository, 'delete', tag);
    return true;
  }

  @Mutation(() => Artifact, {
    description:
      'Removes a tag from the artifact it must point at (tag or digest in reference). Needs tag:delete; NOT_FOUND when the tag points elsewhere, FORBIDDEN when immutable.',
  })
  async removeTag(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) name: string,
    @Arg('reference', () => String) reference: string,
    @Arg('tag', () => String) tag: string,
  ): Promise<ArtifactRow> {
    const { repository } = await requireRepositoryPermission(context, name, 'tag:delete');
    checkTag(tag);
    const artifact = await loadArtifact(context, repository, reference);
    const tags = await context.loaders.catalog.tagsByArtifact.load(artifact.id);
    if (!tags.some((existing) => existing.name === tag)) throw new WharfError('NOT_FOUND', `tag ${tag} does not point at ${artifact.digest} in ${name}`);

    // NOTE: a push that moves the tag between the check above and this delete loses the tag; the registry API has the same race.
    await context.services.manifests.delete(repository, tag);
    await recordRepositoryChange(context, repository, 'delete', tag, { digest: artifact.digest });
    return reloadArtifact(context, artifact);
  }

  @Mutation(() => Artifact, {
    description: 'Tags an existing artifact. Needs tag:create; CONFLICT when the tag already points at another artifact.',
  })
  async addTag(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) name: string,
    @Arg('reference', () => String, { description: 'Tag or digest of the artifact.' }) reference: string,
    @Arg('tag', () => String) tag: string,
  ): Promise<ArtifactRow> {
    const { repository } = await requireRepositoryPermission(context, name, 'tag:create');
    checkTag(tag);
    const artifact = await loadArtifact(context, repository, reference);
    const current = await context.loaders.catalog.artifactByTag.load({ repositoryId: repository.id, tag });
    if (current && current.id !== artifact.id) {
      throw new WharfError('CONFLICT', `tag ${tag} already points at ${current.digest} in ${name}; delete it first to move it`);
    }

    // Storing the same manifest bytes under the tag runs the registry's checks and push hooks, as a push of the tag would.
    const manifest = await context.services.manifests.get(repository, artifact.digest);
    await context.services.manifests.put(repository, tag, manifest.content, manifest.mediaType);
    await recordRepositoryChange(context, repository, 'push', tag, { digest: artifact.digest });
    return reloadArtifact(context, artifact);
  }

  @Mutation(() => Artifact, { description: 'Attaches a project label to an artifact, creating the label on first use. Needs label:manage.' })
  async addLabel(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) name: string,
    @Arg('reference', () => String, { description: 'Tag or digest of the artifact.' }) reference: string,
    @Arg('label', () => String) label: string,
    @Arg('color', () => String, { nullable: true, description: 'Colour as #rrggbb for a new label; ignored for an existing one.' }) color?: string | null,
  ): Promise<ArtifactRow> {
    const { repository } = await requireRepositoryPermission(context, name, 'label:manage');
    const artifact = await loadArtifact(context, repository, reference);

    await context.labels.attach(repository.projectId, artifact.id, label, color ?? undefined);
    await recordRepositoryChange(context, repository, 'label.add', artifact.digest, { label });
    return reloadArtifact(context, artifact);
  }

  @Mutation(() => Artifact, { description: 'Removes a label from an artifact. Needs label:manage; NOT_FOUND when it is not attached.' })
  async removeLabel(
    @Ctx() context: GraphqlContext,
    @Arg('repository', () => String) name: string,
    @Arg('reference', () => String, { description: 'Tag or digest of the artifact.' }) reference: string,
    @Arg('label', () => String) label: string,
  ): Promise<ArtifactRow> {
    const { repository } = await requireRepositoryPermission(context, name, 'label:manage');
    const artifact = await loadArtifact(context, repository, reference);

    await context.labels.detach(repository.projectId, artifact.id, label);
    await recordRepositoryChange(context, repository, 'label.remove', artifact.digest, { label });
    return reloadArtifact(context, artifact);
  }

  @Mutation(() => Boolean, { description: 'Deletes a chart version from the chart repository and its OCI tag. Needs chart:delete.' })
  async deleteChartVersion(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String) projectName: string,
    @Arg('name', () => String) name: string,
    @Arg('version', () => String) version: string,
  ): Promise<boolean> {
    const project = await requireProjectPermission(context, projectName, 'chart:delete');

    await context.services.charts.deleteVersion(project.name, name, version);
    forgetLoadedCatalog(context);
    await recordChange(context, { action: 'delete', resource: `chart:${project.name}/${name}-${version}`, projectId: project.id });
    return true;
  }
}
