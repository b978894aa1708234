/**
 * Every error Wharf reports to a client, once. `status` is the HTTP status on the
 * registry and REST paths; `graphqlCode` is the `extensions.code` on /graphql.
 * Registry codes are those of the OCI Distribution specification.
 */
export const ERROR_CATALOG = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry', graphqlCode: 'NOT_FOUND' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid', graphqlCode: 'BAD_USER_INPUT' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry', graphqlCode: 'NOT_FOUND' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content', graphqlCode: 'BAD_USER_INPUT' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a blob unknown to the registry', graphqlCode: 'BAD_USER_INPUT' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid', graphqlCode: 'BAD_USER_INPUT' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown', graphqlCode: 'NOT_FOUND' },
  NAME_INVALID: { status: 400, message: 'invalid repository name', graphqlCode: 'BAD_USER_INPUT' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry', graphqlCode: 'NOT_FOUND' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length', graphqlCode: 'BAD_USER_INPUT' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI', graphqlCode: 'BAD_USER_INPUT' },
  UNAUTHORIZED: { status: 401, message: 'authentication required', graphqlCode: 'UNAUTHENTICATED' },
  DENIED: { status: 403, message: 'requested access to the resource is denied', graphqlCode: 'FORBIDDEN' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported', graphqlCode: 'BAD_USER_INPUT' },
  RANGE_INVALID: { status: 416, message: 'invalid content range', graphqlCode: 'BAD_USER_INPUT' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested', graphqlCode: 'BAD_USER_INPUT' },
  TOO_MANY_REQUESTS: { status: 429, message: 'too many requests', graphqlCode: 'TOO_MANY_REQUESTS' },
  CONFLICT: { status: 409, message: 'the resource already exists', graphqlCode: 'CONFLICT' },
  INVALID_INPUT: { status: 400, message: 'invalid input', graphqlCode: 'BAD_USER_INPUT' },
  NOT_FOUND: { status: 404, message: 'not found', graphqlCode: 'NOT_FOUND' },
  INTERNAL_ERROR: { status: 500, message: 'internal server error', graphqlCode: 'INTERNAL_SERVER_ERROR' },
} as const satisfies Record<string, { status: number; message: string; graphqlCode: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/**
 * A failure to report to the client. Services raise it; each transport maps it
 * to its own format in one place (api/registry/errors.ts for the registry).
 */
export class WharfError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly detail?: unknown,
    status?: number,
  ) {
    super(message ?? ERROR_CATALOG[code].message);
    this.name = 'WharfError';
    // A few cases share a code but not its usual status, such as a manifest over the size limit (413).
    this.status = status ?? ERROR_CATALOG[code].status;
  }
}

export function isWharfError(error: unknown): error is WharfError {
  return error instanceof WharfError;
}
