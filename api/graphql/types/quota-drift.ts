import { SafeIntResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A project whose recorded storage usage differs from the usage recomputed from its content.' })
export class QuotaDrift {
  @Field(() => String)
  project!: string;

  @Field(() => SafeIntResolver, { description: 'Usage in bytes as recorded before the check.' })
  recorded!: number;

  @Field(() => SafeIntResolver, { description: 'Usage in bytes recomputed from the links, manifests and chart files.' })
  actual!: number;
}
