import { JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { createConnectionType } from './connection.ts';

@ObjectType({ description: 'A Helm chart: the versions of one chart name in one project.' })
export class Chart {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  versionCount!: number;

  @Field(() => Date, { description: 'When the newest version entered the catalog.' })
  updatedAt!: Date;
}

export const ChartConnection = createConnectionType('Chart', Chart);

@ObjectType()
export class ChartMaintainer {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

@ObjectType({ description: 'A dependency as Chart.yaml (or requirements.yaml for apiVersion v1) lists it.' })
export class ChartDependency {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Version or SemVer range.' })
  version!: string | null;

  @Field(() => String)
  repository!: string;

  @Field(() => String, { nullable: true })
  condition!: string | null;

  @Field(() => String, { nullable: true })
  alias!: string | null;
}

@ObjectType({ description: 'A container image that a chart version references in its values or templates.' })
export class ChartImage {
  @Field(() => String, { description: 'The reference as written in the chart.' })
  reference!: string;

  @Field(() => Boolean, {
    description: "True when the reference names this Wharf's host and the tag or digest exists in a repository the caller may pull from.",
  })
  inWharf!: boolean;
}

@ObjectType({ description: 'One version of a Helm chart, with its Chart.yaml fields.' })
export class ChartVersion {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { nullable: true })
  appVersion!: string | null;

  @Field(() => String, { description: 'Chart API version: v1 or v2.' })
  apiVersion!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'application or library.' })
  type!: string | null;

  @Field(() => String, { nullable: true })
  home!: string | null;

  @Field(() => String, { nullable: true })
  icon!: string | null;

  @Field(() => [String])
  keywords!: string[];

  @Field(() => [String])
  sources!: string[];

  @Field(() => [ChartMaintainer])
  maintainers!: ChartMaintainer[];

  @Field(() => Boolean)
  deprecated!: boolean;

  @Field(() => String, { nullable: true })
  kubeVersion!: string | null;

  @Field(() => JSONObjectResolver, { nullable: true })
  annotations!: Record<string, string> | null;

  @Field(() => String, { description: 'Digest of the chart archive.' })
  digest!: string;

  @Field(() => SafeIntResolver, { description: 'Bytes of the chart archive.' })
  size!: number;

  @Field(() => Boolean, { description: 'True when a provenance (.prov) file is stored with the archive.' })
  hasProvenance!: boolean;

  @Field(() => String, { description: 'upload (chart API) or oci (helm push).' })
  source!: string;

  @Field(() => Date, { description: 'When the version entered the catalog.' })
  createdAt!: Date;
}

export const ChartVersionConnection = createConnectionType('ChartVersion', ChartVersion);
