import { Field, Int, ObjectType } from 'type-graphql';
import type { ProjectRole } from '../../access/permissions.ts';
import { ProjectRoleEnum } from './project-role.ts';

@ObjectType({ description: 'A user\'s membership in a project.' })
export class Member {
  @Field(() => Int)
  userId!: number;

  @Field(() => String)
  username!: string;

  @Field(() => ProjectRoleEnum)
  role!: ProjectRole;

  @Field(() => Date, { description: 'When the user became a member.' })
  createdAt!: Date;
}
