import { Field, ObjectType } from 'type-graphql';
import { AccessToken } from './access-token.ts';
import { User } from './user.ts';

@ObjectType({ description: 'A session opened with an OpenID Connect ID token: the user and a short-lived access token.' })
export class OidcSession {
  @Field(() => User)
  user!: User;

  @Field(() => AccessToken)
  token!: AccessToken;

  @Field(() => String, { description: 'Secret of the access token, shown only in this response.' })
  secret!: string;
}
