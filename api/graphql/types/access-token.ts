import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A personal access token: a secret that works wherever its user\'s password works.' })
export class AccessToken {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'A new access token with its secret, which is shown only in this response.' })
export class CreatedAccessToken {
  @Field(() => AccessToken)
  token!: AccessToken;

  @Field(() => String)
  secret!: string;
}

@InputType()
export class CreateAccessTokenInput {
  @Field(() => String, { description: '1 to 100 characters, to recognise the token later.' })
  name!: string;

  @Field(() => Date, { nullable: true, description: 'When the token stops working; null for never.' })
  expiresAt?: Date | null;
}
