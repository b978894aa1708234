import { JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import type { ArtifactKind } from '../../catalog/artifact-kind.ts';
import { ArtifactKindEnum, ScanStatus } from './catalog-enums.ts';
import { createConnectionType } from './connection.ts';

@ObjectType({ description: 'An OCI manifest or index stored in a repository, with its tags.' })
export class Artifact {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  digest!: string;

  @Field(() => String, { description: 'Manifest media type, such as application/vnd.oci.image.manifest.v1+json.' })
  mediaType!: string;

  @Field(() => String, { nullable: true, description: 'The manifest artifactType, or for an OCI image manifest its config media type.' })
  artifactType!: string | null;

  @Field(() => ArtifactKindEnum)
  kind!: ArtifactKind;

  @Field(() => SafeIntResolver, { description: 'Bytes of the manifest and of every descriptor it references (config and layers, or child manifests).' })
  size!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes of the manifest itself.' })
  manifestSize!: number;

  @Field(() => String, { nullable: true, description: 'Digest of the manifest this one refers to (signatures, SBOMs).' })
  subjectDigest!: string | null;

  @Field(() => JSONObjectResolver, { nullable: true })
  annotations!: Record<string, string> | null;

  @Field(() => Date)
  pushedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Last pull, recorded at most once a minute; null when never pulled.' })
  pulledAt!: Date | null;
}

export const ArtifactConnection = createConnectionType('Artifact', Artifact);

@ObjectType({ description: 'A tag: a name in a repository that points at one artifact.' })
export class Tag {
  @Field(() => String)
  name!: string;

  @Field(() => Date)
  pushedAt!: Date;

  @Field(() => Date, { nullable: true })
  pulledAt!: Date | null;
}

@ObjectType({ description: 'A blob an image manifest references: its config or one layer.' })
export class Layer {
  @Field(() => String)
  digest!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => SafeIntResolver)
  size!: number;

  @Field(() => Int, { description: 'Position among the manifest descriptors; the config, when present, is 0.' })
  position!: number;
}

@ObjectType({ description: 'A platform of an image index and the manifest for it.' })
export class Platform {
  @Field(() => String, { nullable: true })
  os!: string | null;

  @Field(() => String, { nullable: true })
  architecture!: string | null;

  @Field(() => String, { nullable: true })
  variant!: string | null;

  @Field(() => String, { nullable: true, description: 'The platform os.version field.' })
  osVersion!: string | null;

  @Field(() => String, { description: 'Digest of the manifest for this platform.' })
  digest!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => SafeIntResolver, { description: 'Bytes of that manifest.' })
  size!: number;
}

@ObjectType({ description: 'Vulnerability counts of the latest scan, or NOT_SCANNED with null counts.' })
export class ScanSummary {
  @Field(() => ScanStatus)
  status!: ScanStatus;

  @Field(() => Date, { nullable: true })
  scannedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  critical!: number | null;

  @Field(() => Int, { nullable: true })
  high!: number | null;

  @Field(() => Int, { nullable: true })
  medium!: number | null;

  @Field(() => Int, { nullable: true })
  low!: number | null;

  @Field(() => Int, { nullable: true, description: 'Findings rated Negligible or Unknown.' })
  other!: number | null;

  @Field(() => Int, { nullable: true })
  total!: number | null;
}

@ObjectType({ description: 'A project label attached to an artifact.' })
export class Label {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Display colour as #rrggbb; null when none was set.' })
  color!: string | null;
}

@ObjectType({ description: "A step of an image's build history, from the config's history array, oldest first." })
export class ImageHistoryEntry {
  @Field(() => String, { nullable: true, description: 'Creation time as the config writes it (RFC 3339).' })
  created!: string | null;

  @Field(() => String, { nullable: true, description: 'The command that made the step, such as a Dockerfile instruction.' })
  createdBy!: string | null;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => Boolean, { description: 'True when the step added no layer.' })
  emptyLayer!: boolean;
}
