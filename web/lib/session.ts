import { getToken, type JWT } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { executeGraphQL, apiOriginOfRequest, type ApiTarget } from './graphql';

/** The person viewing the page, as the session cookie records them. */
export interface Viewer {
  username: string;
  isAdmin: boolean;
  /** Sign-in method: Wharf's own accounts or the OIDC provider. */
  provider: 'credentials' | 'oidc';
  /** Authorization header for the API; undefined when the API cannot act as them. */
  authorization: string | undefined;
}

/** Claims that the portal stores in its encrypted session cookie, beside next-auth's own. */
export interface SessionClaims {
  username?: string;
  isAdmin?: boolean;
  provider?: 'credentials' | 'oidc';
  /** Secret of the personal access token the portal created at sign-in. */
  apiToken?: string;
  apiTokenId?: number;
  /** When the access token expires, in milliseconds since the epoch. */
  apiTokenExpiresAt?: number;
}

export type WharfJWT = JWT & SessionClaims;

/**
 * Reads the session from the request's cookie. The API token stays on the server:
 * it is read from the encrypted cookie here and never sent to the browser's code.
 */
async function readSessionToken(): Promise<WharfJWT | null> {
  const cookieStore = await cookies();
  const requestLike = { cookies: Object.fromEntries(cookieStore.getAll().map((cookie) => [cookie.name, cookie.value])), headers: {} };
  // getToken accepts the request shapes of the pages router; a plain object of cookies serves it.
  return (await getToken({ req: requestLike as never })) as WharfJWT | null;
}

/** Returns the signed-in viewer, or undefined for an anonymous one. Cached per request. */
export const getViewer = cache(async (): Promise<Viewer | undefined> => {
  const token = await readSessionToken();
  if (!token?.username) return undefined;
  if (token.apiTokenExpiresAt !== undefined && token.apiTokenExpiresAt <= Date.now()) return undefined;

  return {
    username: token.username,
    isAdmin: token.isAdmin === true,
    provider: token.provider ?? 'credentials',
    authorization: token.apiToken ? `Bearer ${token.apiToken}` : undefined,
  };
});

/** Returns the API origin and credentials for this request's GraphQL calls. */
export async function apiTarget(): Promise<ApiTarget> {
  const viewer = await getViewer();
  return { origin: await apiOriginOfRequest(), authorization: viewer?.authorization };
}

/** Runs a GraphQL operation as the viewer, or anonymously without a session. */
export async function graphql<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
  return executeGraphQL<T>(await apiTarget(), document, variables);
}
