import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Permissions of a robot account in one project, or in every project for `*`.' })
export class RobotGrant {
  @Field(() => String)
  project!: string;

  @Field(() => [String], { description: 'Permission names such as repository:pull.' })
  actions!: string[];
}

@ObjectType({ description: 'A robot account: `robot$project+name` in a project, or `robot$name` system-wide.' })
export class RobotAccount {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [RobotGrant])
  grants!: RobotGrant[];

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'A robot account with its secret, which is shown only in this response.' })
export class RobotSecret {
  @Field(() => RobotAccount)
  robot!: RobotAccount;

  @Field(() => String)
  secret!: string;
}

@InputType()
export class RobotGrantInput {
  @Field(() => String, { description: 'Project name; `*` (every project) is allowed for system robots only.' })
  project!: string;

  @Field(() => [String], { description: 'Permission names such as repository:pull and repository:push.' })
  actions!: string[];
}

@InputType()
export class CreateRobotAccountInput {
  @Field(() => String, { description: 'Short name; Wharf adds the `robot$` and `project+` prefixes.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Project of a project robot; leave out for a system robot.' })
  project?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [RobotGrantInput])
  grants!: RobotGrantInput[];

  @Field(() => Date, { nullable: true, description: 'When the robot stops working; null for never.' })
  expiresAt?: Date | null;
}
