import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { OidcSession as OidcSessionRecord } from '../../oidc/oidc-sign-in.ts';
import type { GraphqlContext } from '../context.ts';
import { unauthenticated } from '../errors.ts';
import { OidcSession } from '../types/oidc-session.ts';

@Resolver()
export class OidcSessionResolver {
  @Mutation(() => OidcSession, {
    description:
      "Signs in with an ID token from the OpenID Connect provider in WHARF_OIDC_ISSUER. A user named by the token's " +
      'preferred_username is created on first sign-in. Returns an access token that expires in 12 hours.',
  })
  async openOidcSession(@Ctx() context: GraphqlContext, @Arg('idToken', () => String) idToken: string): Promise<OidcSessionRecord> {
    const oidc = context.services.oidc;
    if (!oidc) unauthenticated('OpenID Connect sign-in is not configured on this server');
    return oidc.open(idToken, context.clientIp);
  }
}
