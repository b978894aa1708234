import { SafeIntResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "A project's storage limit and usage in bytes." })
export class QuotaUsage {
  @Field(() => SafeIntResolver, { description: 'Limit in bytes; -1 when unlimited.' })
  limit!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes of the distinct blobs, manifests and chart files the project stores, each digest once.' })
  used!: number;
}
