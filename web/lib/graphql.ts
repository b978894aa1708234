import { headers } from 'next/headers';
import { ApiError, toApiErrorCode } from './errors';

/**
 * Request header in which Wharf's HTTP server passes the origin of its own API
 * (the address the request came in on). Wharf sets it on every request, so the
 * value is never one a client chose.
 */
const API_ORIGIN_HEADER = 'x-wharf-api-origin';

/** Maximum time one GraphQL request may take before the page shows an error. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Target of a GraphQL request: the API origin and the credentials to send. */
export interface ApiTarget {
  origin: string;
  /** Authorization header value; undefined for an anonymous request. */
  authorization?: string;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: unknown } }[];
}

/** Returns the API origin for the request being rendered. */
export async function apiOriginOfRequest(): Promise<string> {
  const origin = (await headers()).get(API_ORIGIN_HEADER);
  if (!origin) throw new ApiError('UNAVAILABLE', `request has no ${API_ORIGIN_HEADER} header; serve the portal through Wharf`);
  return origin;
}

/** Reads the API origin from the headers of a route handler's request. */
export function apiOriginOf(requestHeaders: Record<string, string | string[] | undefined> | Headers): string {
  const value = requestHeaders instanceof Headers ? requestHeaders.get(API_ORIGIN_HEADER) : requestHeaders[API_ORIGIN_HEADER];
  const origin = Array.isArray(value) ? value[0] : value;
  if (!origin) throw new ApiError('UNAVAILABLE', `request has no ${API_ORIGIN_HEADER} header; serve the portal through Wharf`);
  return origin;
}

/**
 * Sends one GraphQL operation to Wharf and returns its data. Raises ApiError with
 * the first error's `extensions.code`, or UNAVAILABLE when Wharf cannot be reached.
 */
export async function executeGraphQL<T>(target: ApiTarget, document: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.origin}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(target.authorization ? { authorization: target.authorization } : {}),
      },
      body: JSON.stringify({ query: document, variables }),
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ApiError('UNAVAILABLE', `GraphQL request to ${target.origin} failed: ${String(error)}`);
  }

  const body = (await response.json().catch(() => undefined)) as GraphQLResponse<T> | undefined;
  const first = body?.errors?.[0];
  if (first) throw new ApiError(toApiErrorCode(first.extensions?.code), first.message);
  if (response.status === 401) throw new ApiError('UNAUTHENTICATED', 'the API rejected the credentials');
  if (response.status === 404) throw new ApiError('GRAPHQL_VALIDATION_FAILED', 'this Wharf server has no GraphQL API');
  if (!response.ok || !body?.data) throw new ApiError('INTERNAL_SERVER_ERROR', `GraphQL request returned HTTP ${response.status}`);
  return body.data;
}
