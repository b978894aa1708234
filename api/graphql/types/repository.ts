import { Field, Int, ObjectType } from 'type-graphql';
import { createConnectionType } from './connection.ts';

@ObjectType({ description: 'A repository: `project/path`, holding artifacts and tags.' })
export class Repository {
  @Field(() => Int)
  id!: number;

  @Field(() => String, { description: 'Full name, such as library/team/app.' })
  name!: string;

  @Field(() => Date)
  createdAt!: Date;
}

export const RepositoryConnection = createConnectionType('Repository', Repository);
