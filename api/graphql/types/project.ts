import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { createConnectionType } from './connection.ts';

@ObjectType({ description: 'A project: a namespace of repositories and charts with its own members and robots.' })
export class Project {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Anyone, also anonymous callers, may pull from a public project.' })
  public!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

export const ProjectConnection = createConnectionType('Project', Project);

@InputType()
export class CreateProjectInput {
  @Field(() => String, { description: '1 to 255 lower-case letters, digits and . _ - (not at either end).' })
  name!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  public?: boolean;
}

@InputType({ description: 'Changes to a project; fields left out stay as they are.' })
export class UpdateProjectInput {
  @Field(() => String, { description: 'Project to change.' })
  name!: string;

  @Field(() => Boolean, { nullable: true })
  public?: boolean | null;
}
