import type { Prisma } from '../db/client.ts';
import { OCI_INDEX } from './media-types.ts';

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The OCI referrers API: manifests of a repository whose `subject` is a given digest. */
export class ReferrersService {
  constructor(private readonly prisma: Prisma) {}

  /** Referrers of `subjectDigest`, filtered to `artifactTypes` when any are given. */
  async list(repositoryId: number | undefined, subjectDigest: string, artifactTypes: string[]): Promise<ReferrerDescriptor[]> {
    if (repositoryId === undefined) return [];

    const rows = await this.prisma.artifact.findMany({
      where: {
        repositoryId,
        subjectDigest,
        ...(artifactTypes.length > 0 ? { artifactType: { in: artifactTypes } } : {}),
      },
      orderBy: { id: 'asc' },
      select: { mediaType: true, digest: true, size: true, artifactType: true, annotations: true },
    });

    return rows.map((row) => ({
      mediaType: row.mediaType,
      digest: row.digest,
      size: Number(row.size),
      ...(row.artifactType ? { artifactType: row.artifactType } : {}),
      ...(row.annotations ? { annotations: row.annotations as Record<string, string> } : {}),
    }));
  }

  /** The image index document the API returns. */
  static toIndex(descriptors: ReferrerDescriptor[]): string {
    return JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: descriptors });
  }
}
