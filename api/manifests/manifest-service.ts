import type { Logger } from 'pino';
import type { BlobService } from '../blobs/blob-service.ts';
import type { Prisma } from '../db/client.ts';
import { digestOf, looksLikeDigest, parseDigest } from '../digest/digest.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ImmutabilityService } from '../immutability/immutability-service.ts';
import type { QuotaService } from '../quota/quota-service.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import { TRANSACTION_OPTIONS } from '../blobs/blob-service.ts';
import type { Transaction } from '../db/transactions.ts';
import { isValidTag } from '../registry/names.ts';
import { isIndexType, isNonDistributable } from './media-types.ts';
import { type Descriptor, type ParsedManifest, parseManifest } from './parse-manifest.ts';

/** A stored manifest as the registry serves it. */
export interface StoredManifest {
  id: number;
  digest: string;
  mediaType: string;
  content: Buffer;
}

export interface PutManifestResult {
  digest: string;
  subjectDigest?: string;
}

/** A manifest about to be stored, as push hooks see it. */
export interface ManifestPush {
  repository: RepositoryRef;
  /** Tag or digest from the request path. */
  reference: string;
  digest: string;
  manifest: ParsedManifest;
}

/**
 * Runs before a pushed manifest is stored. It may raise to reject the push,
 * and may return a step to run once the manifest and its tag are stored.
 */
export type ManifestPushHook = (push: ManifestPush) => Promise<(() => Promise<void>) | undefined>;

/** Hook run after a manifest is deleted from a repository, for example to drop the chart version from the chart catalog. */
export type ManifestDeleteHook = (repository: RepositoryRef, digest: string) => Promise<void>;

/** Pull times are written at most this often per manifest, to keep pulls read-only most of the time. */
const PULL_TIME_RESOLUTION_MS = 60_000;

/** Stores, validates, serves and deletes manifests, and maintains their tags and references. */
export class ManifestService {
  /** Hooks that see every pushed manifest, such as the chart catalog indexing Helm charts. */
  readonly pushHooks: ManifestPushHook[] = [];
  /** Hooks called for every deleted manifest, whether a client, garbage collection or retention deleted it. */
  readonly deleteHooks: ManifestDeleteHook[] = [];

  constructor(
    private readonly prisma: Prisma,
    private readonly blobs: BlobService,
    private readonly logger: Logger,
    private readonly maxManifestBytes: number,
    private readonly quota: QuotaService,
    private readonly immutability: ImmutabilityService,
  ) {}

  /**
   * Validates and stores a manifest under a tag or its digest. The digest is of
   * the exact bytes, and a digest reference must match it.
   */
  async put(repository: RepositoryRef, reference: string, bytes: Buffer, contentType: string | undefined): Promise<PutManifestResult> {
    const byDigest = looksLikeDigest(reference);
    if (!byDigest && !isValidTag(reference)) throw new WharfError('TAG_INVALID', `invalid tag "${reference}"`, { tag: reference });
    if (bytes.length > this.maxManifestBytes) {
      throw new WharfError('MANIFEST_INVALID', `manifest is ${bytes.length} bytes, over the ${this.maxManifestBytes}-byte limit`, undefined, 413);
    }

    const algorithm = byDigest ? parseDigest(reference).algorithm : 'sha256';
    const digest = digestOf(bytes, algorithm);
    if (byDigest && digest !== reference) {
      throw new WharfError('DIGEST_INVALID', `manifest content has digest ${digest}, not ${reference}`, { digest: reference });
    }

    const manifest = parseManifest(bytes, contentType);
    await this.#checkReferences(repository.id, manifest);
    if (!byDigest) await this.#checkTagMayMove(repository, reference, digest);
    const afterStore: (() => Promise<void>)[] = [];
    for (const hook of this.pushHooks) {
      const step = await hook({ repository, reference, digest, manifest });
      if (step) afterStore.push(step);
    }
    const artifactId = await this.#storeArtifact(repository, digest, bytes, manifest);
    if (!byDigest) await this.#setTag(repository.id, reference, artifactId);
    for (const step of afterStore) await step();

    return { digest, subjectDigest: manifest.subject?.digest };
  }

  /** Finds a manifest by tag or digest. Raises MANIFEST_UNKNOWN when there is none. */
  async get(repository: RepositoryRef, reference: string): Promise<StoredManifest> {
    const artifact = looksLikeDigest(reference)
      ? await this.prisma.artifact.findUnique({
          where: { repositoryId_digest: { repositoryId: repository.id, digest: reference } },
          select: { id: true, digest: true, mediaType: true, content: true, pulledAt: true },
        })
      : (
          await this.prisma.tag.findUnique({
            where: { repositoryId_name: { repositoryId: repository.id, name: reference } },
            select: { artifact: { select: { id: true, digest: true, mediaType: true, content: true, pulledAt: true } } },
          })
        )?.artifact;

    if (!artifact) {
      throw new WharfError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${repository.name}`, { reference });
    }
    return { id: artifact.id, digest: artifact.digest, mediaType: artifact.mediaType, content: Buffer.from(artifact.content) };
  }

  /**
   * Records a pull on the manifest and, when pulled by tag, on the tag (tag
   * retention keeps recently pulled tags). Skips the write when the last one is
   * recent, and never blocks the response.
   */
  recordPull(manifest: StoredManifest, reference: string): void {
    const since = new Date(Date.now() - PULL_TIME_RESOLUTION_MS);
    const stale = { OR: [{ pulledAt: null }, { pulledAt: { lt: since } }] };
    const now = new Date();
    const fail = (error: unknown) => this.logger.warn({ err: error, digest: manifest.digest }, 'failed to record pull time');

    this.prisma.artifact.updateMany({ where: { id: manifest.id, ...stale }, data: { pulledAt: now } }).catch(fail);
    if (!looksLikeDigest(reference)) {
      this.prisma.tag.updateMany({ where: { artifactId: manifest.id, name: reference, ...stale }, data: { pulledAt: now } }).catch(fail);
    }
  }

  /** Deletes a tag, or by digest the manifest with all its tags. Raises MANIFEST_UNKNOWN, or DENIED for an immutable tag. */
  async delete(repository: RepositoryRef, reference: string): Promise<void> {
    if (!looksLikeDigest(reference)) {
      if (await this.immutability.isImmutable(repository, reference)) {
        throw new WharfError('DENIED', `tag ${reference} of ${repository.name} is immutable and cannot be deleted`, { tag: reference });
      }
      const result = await this.prisma.tag.deleteMany({ where: { repositoryId: repository.id, name: reference } });
      if (result.count === 0) throw new WharfError('MANIFEST_UNKNOWN', `tag ${reference} not found in ${repository.name}`, { tag: reference });
      return;
    }

    parseDigest(reference);
    const deleted = await this.deleteArtifact(repository, reference);
    if (!deleted) {
      throw new WharfError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${repository.name}`, { digest: reference });
    }
  }

  /**
   * Deletes an artifact with its tags, unlinks the blobs no other artifact of
   * the repository references, and releases what the project no longer uses.
   * Returns false when the artifact does not exist. Raises DENIED when one of
   * its tags is immutable, and UNSUPPORTED while an index in the repository
   * lists it, because the index would point at a missing manifest.
   */
  async deleteArtifact(repository: RepositoryRef, digest: string): Promise<boolean> {
    const tags = await this.prisma.tag.findMany({ where: { repository: { id: repository.id }, artifact: { digest } }, select: { name: true } });
    for (const tag of tags) {
      if (await this.immutability.isImmutable(repository, tag.name)) {
        throw new WharfError('DENIED', `manifest ${digest} carries immutable tag ${tag.name} and cannot be deleted`, { digest, tag: tag.name });
      }
    }

    const deleted = await this.prisma.$transaction(
      async (tx) => {
        const artifact = await tx.artifact.findUnique({
          where: { repositoryId_digest: { repositoryId: repository.id, digest } },
          select: { id: true, references: { select: { digest: true, kind: true } } },
        });
        if (!artifact) return false;

        const parent = await tx.artifactReference.findFirst({
          where: { digest, kind: 'manifest', artifact: { repositoryId: repository.id } },
          select: { artifact: { select: { digest: true } } },
        });
        if (parent) {
          throw new WharfError(
            'UNSUPPORTED',
            `manifest ${digest} is part of index ${parent.artifact.digest} in ${repository.name}; delete the index first`,
            { digest, index: parent.artifact.digest },
          );
        }

        await tx.artifact.delete({ where: { id: artifact.id } });
        const blobDigests = artifact.references.filter((reference) => reference.kind !== 'manifest').map((reference) => reference.digest);
        await unlinkUnreferenced(tx, repository.id, blobDigests);
        await this.quota.release(tx, repository.projectId, [digest, ...blobDigests]);
        return true;
      },
      TRANSACTION_OPTIONS,
    );
    if (deleted) for (const hook of this.deleteHooks) await hook(repository, digest);
    return deleted;
  }

  /**
   * Rejects a manifest that references content the repository lacks: one
   * MANIFEST_BLOB_UNKNOWN listing each missing blob or child manifest. A
   * missing subject is allowed, as the referrers API requires. A descriptor
   * whose size differs from the stored content is MANIFEST_INVALID, because
   * clients verify sizes and could never pull such a manifest.
   */
  async #checkReferences(repositoryId: number, manifest: ParsedManifest): Promise<void> {
    const descriptors = isIndexType(manifest.mediaType)
      ? manifest.children
      : [manifest.config!, ...manifest.children].filter((layer) => !isNonDistributable(layer.mediaType));
    const wanted = [...new Set(descriptors.map((descriptor) => descriptor.digest))];
    const sizes = isIndexType(manifest.mediaType) ? await this.#manifestSizes(repositoryId, wanted) : await this.blobs.readableSizes(repositoryId, wanted);

    const missing = wanted.filter((digest) => !sizes.has(digest));
    if (missing.length > 0) {
      throw new WharfError('MANIFEST_BLOB_UNKNOWN', `manifest references content not in this repository: ${missing.join(', ')}`, {
        digests: missing,
      });
    }

    const wrong = descriptors.find((descriptor) => sizes.get(descriptor.digest) !== BigInt(descriptor.size));
    if (wrong) {
      throw new WharfError(
        'MANIFEST_INVALID',
        `descriptor of ${wrong.digest} gives size ${wrong.size}, but the stored content is ${sizes.get(wrong.digest)} bytes`,
        { digest: wrong.digest },
      );
    }
  }

  /** Sizes of the child manifests stored in the repository, by digest. */
  async #manifestSizes(repositoryId: number, digests: string[]): Promise<Map<string, bigint>> {
    const found = await this.prisma.artifact.findMany({ where: { repositoryId, digest: { in: digests } }, select: { digest: true, size: true } });
    return new Map(found.map((artifact) => [artifact.digest, artifact.size]));
  }

  async #storeArtifact(repository: RepositoryRef, digest: string, bytes: Buffer, manifest: ParsedManifest): Promise<number> {
    const existing = await this.prisma.artifact.findUnique({
      where: { repositoryId_digest: { repositoryId: repository.id, digest } },
      select: { id: true },
    });
    if (existing) return existing.id;

    const references = buildReferences(manifest);
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          const artifact = await tx.artifact.create({
            data: {
              repositoryId: repository.id,
              digest,
              mediaType: manifest.mediaType,
              artifactType: manifest.artifactType ?? null,
              size: BigInt(bytes.length),
              content: new Uint8Array(bytes),
              subjectDigest: manifest.subject?.digest ?? null,
              configDigest: manifest.config?.digest ?? null,
              annotations: manifest.annotations ?? undefined,
              references: { create: references },
            },
            select: { id: true },
          });
          await this.quota.charge(tx, repository.projectId, digest, bytes.length);
          return artifact.id;
        },
        TRANSACTION_OPTIONS,
      );
    } catch (error) {
      // Another request stored the same manifest first: use its row.
      if ((error as { code?: string }).code !== 'P2002') throw error;
      const winner = await this.prisma.artifact.findUniqueOrThrow({ where: { repositoryId_digest: { repositoryId: repository.id, digest } } });
      return winner.id;
    }
  }

  /** Raises DENIED when the tag is immutable and already points at another manifest. */
  async #checkTagMayMove(repository: RepositoryRef, tag: string, digest: string): Promise<void> {
    const current = await this.prisma.tag.findUnique({
      where: { repositoryId_name: { repositoryId: repository.id, name: tag } },
      select: { artifact: { select: { digest: true } } },
    });
    if (!current || current.artifact.digest === digest) return;
    if (await this.immutability.isImmutable(repository, tag)) {
      throw new WharfError('DENIED', `tag ${tag} of ${repository.name} is immutable and cannot be moved to another manifest`, { tag });
    }
  }

  async #setTag(repositoryId: number, name: string, artifactId: number): Promise<void> {
    await this.prisma.tag.upsert({
      where: { repositoryId_name: { repositoryId, name } },
      create: { repositoryId, name, artifactId },
      update: { artifactId, pushedAt: new Date() },
    });
  }
}

/** Removes the repository's links to blobs that no remaining artifact of the repository references. */
async function unlinkUnreferenced(tx: Transaction, repositoryId: number, digests: string[]): Promise<void> {
  if (digests.length === 0) return;
  const stillReferenced = await tx.artifactReference.findMany({
    where: { digest: { in: digests }, artifact: { repositoryId } },
    select: { digest: true },
  });
  const keep = new Set(stillReferenced.map((reference) => reference.digest));
  const unlink = digests.filter((digest) => !keep.has(digest));
  if (unlink.length > 0) await tx.repositoryBlob.deleteMany({ where: { repositoryId, digest: { in: unlink } } });
}

function buildReferences(manifest: ParsedManifest) {
  const references: { digest: string; kind: string; mediaType: string; size: bigint; position: number; platform?: object }[] = [];
  const add = (descriptor: Descriptor, kind: string) => {
    references.push({
      digest: descriptor.digest,
      kind,
      mediaType: descriptor.mediaType,
      size: BigInt(descriptor.size),
      position: references.length,
      ...(descriptor.platform ? { platform: descriptor.platform } : {}),
    });
  };

  if (manifest.config) add(manifest.config, 'config');
  const childKind = isIndexType(manifest.mediaType) ? 'manifest' : 'layer';
  for (const child of manifest.children) add(child, childKind);
  return references;
}
