import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { ApiError } from './errors';
import { apiOriginOf, apiOriginOfRequest } from './graphql';
import { type ApiSession, openApiSession, openOidcApiSession } from './identity';
import type { SessionClaims, WharfJWT } from './session';

/** How long a portal session lasts; the access token created at sign-in expires with it. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

interface OidcProfile {
  sub: string;
  preferred_username?: string;
  name?: string;
  email?: string;
}

/**
 * Builds the OpenID Connect provider, or returns undefined unless WHARF_OIDC_ISSUER,
 * WHARF_OIDC_CLIENT_ID and WHARF_OIDC_CLIENT_SECRET are all set.
 */
function oidcProvider(): OAuthConfig<OidcProfile> | undefined {
  const issuer = process.env.WHARF_OIDC_ISSUER?.replace(/\/+$/, '');
  const clientId = process.env.WHARF_OIDC_CLIENT_ID;
  const clientSecret = process.env.WHARF_OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return undefined;

  return {
    id: 'oidc',
    name: process.env.WHARF_OIDC_NAME || 'single sign-on',
    type: 'oauth',
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    authorization: { params: { scope: process.env.WHARF_OIDC_SCOPE || 'openid profile email' } },
    idToken: true,
    checks: ['pkce', 'state'],
    clientId,
    clientSecret,
    profile(profile) {
      return { id: profile.sub, name: profile.preferred_username ?? profile.name ?? profile.email ?? profile.sub, email: profile.email };
    },
  };
}

export const OIDC_PROVIDER_NAME = oidcProvider()?.name;

/** The user object that authorize() hands to the jwt callback. */
interface SignedInUser extends SessionClaims {
  id: string;
  name: string;
}

/** Returns the claims the session cookie keeps for an API session, whichever way it was opened. */
function sessionClaims(session: ApiSession, provider: 'credentials' | 'oidc'): Required<SessionClaims> {
  return {
    username: session.username,
    isAdmin: session.isAdmin,
    provider,
    apiToken: session.secret,
    apiTokenId: session.tokenId,
    apiTokenExpiresAt: session.expiresAt,
  };
}

/**
 * Trades the provider's ID token for a Wharf access token and adds its claims to
 * `user`, which next-auth hands on to the jwt callback. Returns false when Wharf
 * refuses the identity, which the sign-in page shows as AccessDenied.
 */
async function openOidcSession(user: object, idToken: string | undefined): Promise<boolean> {
  if (!idToken) return false;
  try {
    const session = await openOidcApiSession(await apiOriginOfRequest(), idToken);
    Object.assign(user, sessionClaims(session, 'oidc'));
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return false;
    console.error('portal sign-in with the identity provider failed', error);
    throw new Error('ApiUnavailable');
  }
}

const credentials = CredentialsProvider({
  id: 'credentials',
  name: 'Wharf account',
  credentials: {
    username: { label: 'Username', type: 'text' },
    password: { label: 'Password', type: 'password' },
  },
  async authorize(input, request): Promise<SignedInUser | null> {
    const username = input?.username?.trim() ?? '';
    const password = input?.password ?? '';
    if (!username || !password) return null;

    try {
      const session = await openApiSession(apiOriginOf(request.headers ?? {}), username, password, SESSION_MAX_AGE_SECONDS);
      return { id: session.username, name: session.username, ...sessionClaims(session, 'credentials') };
    } catch (error) {
      // Wrong credentials reach the form as next-auth's CredentialsSignin; other failures are worth a log line.
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return null;
      if (error instanceof ApiError && error.code === 'TOO_MANY_REQUESTS') throw new Error('TooManyAttempts');
      console.error('portal sign-in failed', error);
      throw new Error('ApiUnavailable');
    }
  },
});

function buildProviders(): NextAuthOptions['providers'] {
  const oidc = oidcProvider();
  return oidc ? [credentials, oidc] : [credentials];
}

export const authOptions: NextAuthOptions = {
  providers: buildProviders(),
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  callbacks: {
    async signIn({ user, account }) {
      if (account?.provider === 'oidc') return openOidcSession(user, account.id_token);
      return true;
    },
    async jwt({ token, user, account }): Promise<WharfJWT> {
      // At sign-in, authorize() (credentials) or the signIn callback (OIDC) put the API session on `user`.
      if ((account?.provider === 'credentials' || account?.provider === 'oidc') && user) {
        const signedIn = user as unknown as SessionClaims;
        return {
          ...token,
          username: signedIn.username,
          isAdmin: signedIn.isAdmin,
          provider: account.provider,
          apiToken: signedIn.apiToken,
          apiTokenId: signedIn.apiTokenId,
          apiTokenExpiresAt: signedIn.apiTokenExpiresAt,
        };
      }
      return token;
    },
    async session({ session, token }) {
      // Only the name reaches the browser; the API token stays in the encrypted cookie.
      const claims = token as WharfJWT;
      return { expires: session.expires, user: { name: claims.username ?? null } };
    },
  },
};
