import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { createConnectionType } from './connection.ts';

@ObjectType({ description: 'A user account.' })
export class User {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  username!: string;

  @Field(() => Boolean, { description: 'True for system administrators.' })
  isAdmin!: boolean;

  @Field(() => Boolean, { description: 'A disabled user cannot sign in.' })
  disabled!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const UserConnection = createConnectionType('User', User);

@InputType()
export class CreateUserInput {
  @Field(() => String)
  username!: string;

  @Field(() => String, { description: 'At least 8 characters.' })
  password!: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  isAdmin?: boolean;
}

@InputType({ description: 'Changes to a user; fields left out stay as they are.' })
export class UpdateUserInput {
  @Field(() => String, { description: 'User to change.' })
  username!: string;

  @Field(() => String, { nullable: true, description: 'New email address; null removes it.' })
  email?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only system administrators may set this.' })
  isAdmin?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only system administrators may set this.' })
  disabled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'New password, at least 8 characters.' })
  password?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Current password; required when users change their own password, also administrators.",
  })
  oldPassword?: string | null;
}
