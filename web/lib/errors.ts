/**
 * The one place that turns API failures into what a person reads. GraphQL errors
 * carry `extensions.code`; HTTP and network failures get codes of their own here.
 */

export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const KNOWN_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'GRAPHQL_VALIDATION_FAILED',
  'UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);

/** A failed API call, with the code that decides what the portal shows. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Failure as a page shows it: a title, a sentence, and whether signing in could help. */
export interface ReadableError {
  code: ApiErrorCode;
  title: string;
  message: string;
  signInMayHelp: boolean;
}

export function toApiErrorCode(code: unknown): ApiErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? (code as ApiErrorCode) : 'INTERNAL_SERVER_ERROR';
}

/**
 * Describes an error for a person. Input and conflict errors show the API's message,
 * because it names the value and the fix. Other codes get a fixed sentence, so
 * internal details never reach the page.
 */
export function describeError(error: unknown): ReadableError {
  const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL_SERVER_ERROR', String(error));
  switch (apiError.code) {
    case 'UNAUTHENTICATED':
      return {
        code: apiError.code,
        title: 'Sign in required',
        message: 'Your session has ended or you are not signed in. Sign in and try again.',
        signInMayHelp: true,
      };
    case 'FORBIDDEN':
      return {
        code: apiError.code,
        title: 'Not allowed',
        message: 'Your account does not have permission for this. A project administrator can give you a role that has it.',
        signInMayHelp: true,
      };
    case 'NOT_FOUND':
      return {
        code: apiError.code,
        title: 'Not found',
        message: 'It does not exist, or it is in a private project that you cannot see.',
        signInMayHelp: true,
      };
    case 'BAD_USER_INPUT':
      return { code: apiError.code, title: 'Invalid input', message: apiError.message, signInMayHelp: false };
    case 'CONFLICT':
      return { code: apiError.code, title: 'Conflict', message: apiError.message, signInMayHelp: false };
    case 'TOO_MANY_REQUESTS':
      return {
        code: apiError.code,
        title: 'Too many attempts',
        message: 'Wharf received too many attempts. Wait a minute and try again.',
        signInMayHelp: false,
      };
    case 'GRAPHQL_VALIDATION_FAILED':
      return {
        code: apiError.code,
        title: 'Not available',
        message: 'This version of the Wharf API does not provide this data yet.',
        signInMayHelp: false,
      };
    case 'UNAVAILABLE':
      return {
        code: apiError.code,
        title: 'Wharf is not reachable',
        message: 'The portal could not reach the Wharf API. Try again in a moment.',
        signInMayHelp: false,
      };
    case 'INTERNAL_SERVER_ERROR':
      return {
        code: apiError.code,
        title: 'Something went wrong',
        message: 'Wharf could not complete the request. Try again; if it keeps failing, the server log has the details.',
        signInMayHelp: false,
      };
  }
}
