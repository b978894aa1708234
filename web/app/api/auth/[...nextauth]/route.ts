import NextAuth from 'next-auth';
import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth';
import { apiOriginOf } from '@/lib/graphql';
import { revokeApiSession } from '@/lib/identity';
import type { WharfJWT } from '@/lib/session';

interface RouteContext {
  params: Promise<{ nextauth: string[] }>;
}

const handler = NextAuth(authOptions);

/**
 * Revokes the access token behind the session before next-auth clears the cookie,
 * so a copied cookie stops working at sign-out and not only when the token expires.
 */
async function revokeSessionToken(request: NextRequest): Promise<void> {
  const token = (await getToken({ req: request })) as WharfJWT | null;
  if (!token?.apiToken || !token.apiTokenId) return;

  try {
    await revokeApiSession({ origin: apiOriginOf(request.headers), authorization: `Bearer ${token.apiToken}` }, token.apiTokenId);
  } catch (error) {
    // Signing out still clears the cookie; the token then ends at its expiry.
    console.error('revoking the session access token failed', error);
  }
}

export async function GET(request: NextRequest, context: RouteContext): Promise<Response> {
  return handler(request, context);
}

export async function POST(request: NextRequest, context: RouteContext): Promise<Response> {
  const { nextauth } = await context.params;
  if (nextauth[0] === 'signout') await revokeSessionToken(request);
  return handler(request, context);
}
