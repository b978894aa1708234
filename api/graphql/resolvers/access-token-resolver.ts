import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { AccessTokenRecord } from '../../access-tokens/access-token-service.ts';
import { WharfError } from '../../errors/catalog.ts';
import { recordChange, requireUser } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { AccessToken, CreateAccessTokenInput, CreatedAccessToken } from '../types/access-token.ts';

@Resolver(() => AccessToken)
export class AccessTokenResolver {
  @Mutation(() => CreatedAccessToken, { description: 'Creates a personal access token for the signed-in user; the secret is shown once.' })
  async createAccessToken(
    @Ctx() context: GraphqlContext,
    @Arg('input', () => CreateAccessTokenInput) input: CreateAccessTokenInput,
  ): Promise<{ token: AccessTokenRecord; secret: string }> {
    const user = requireUser(context, 'create access tokens');

    const created = await context.services.accessTokens.create(user.id, input.name, input.expiresAt ?? null);
    await recordChange(context, {
      action: 'token.create',
      resource: `token:${created.token.id}`,
      detail: { user: user.username, name: created.token.name, expiresAt: created.token.expiresAt?.toISOString() ?? null },
    });
    return created;
  }

  @Mutation(() => AccessToken, {
    description: "Revokes an access token at once. Users revoke their own tokens; system administrators anyone's.",
  })
  async revokeAccessToken(@Ctx() context: GraphqlContext, @Arg('id', () => Int) id: number): Promise<AccessTokenRecord> {
    const user = requireUser(context, 'revoke access tokens');
    const token = await context.services.accessTokens.find(id);
    // Another user's token is reported missing, so token ids cannot be probed.
    if (!token || (token.userId !== user.id && !user.isAdmin)) throw new WharfError('NOT_FOUND', `access token ${id} not found`);

    const revoked = await context.services.accessTokens.revoke(id);
    await recordChange(context, { action: 'token.revoke', resource: `token:${id}`, detail: { userId: token.userId, name: token.name } });
    return revoked;
  }
}
