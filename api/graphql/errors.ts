import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { InvalidCredentialsError, TooManyAttemptsError } from '../access/caller.ts';
import { ERROR_CATALOG, isWharfError, WharfError } from '../errors/catalog.ts';

/** `extensions.code` values that Wharf's own resolvers and checks produce. */
export type GraphqlErrorCode = (typeof ERROR_CATALOG)[keyof typeof ERROR_CATALOG]['graphqlCode'];

const INTERNAL_MESSAGE = 'internal server error';

/** Raises UNAUTHENTICATED: the request needs a signed-in caller. */
export function unauthenticated(message = 'sign in to use this operation'): never {
  throw new WharfError('UNAUTHORIZED', message);
}

/** Raises FORBIDDEN: the caller is known but lacks the permission. */
export function forbidden(message: string): never {
  throw new WharfError('DENIED', message);
}

/**
 * Maps an error raised while resolving a request to the error the client sees,
 * in one place. Wharf errors keep their message and get the catalog's
 * `graphqlCode`; errors that GraphQL or Apollo raised themselves (syntax,
 * validation, variable coercion) pass through; anything else is an internal
 * error whose message and stack the client sees only in development, and which
 * is logged here.
 */
export function createErrorFormatter(logger: Logger, development: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);

    if (isWharfError(original)) {
      return withCode(formatted, original.message, ERROR_CATALOG[original.code].graphqlCode);
    }
    if (original instanceof InvalidCredentialsError) {
      return withCode(formatted, 'authentication failed: invalid or expired credentials', 'UNAUTHENTICATED');
    }
    if (original instanceof TooManyAttemptsError) {
      return withCode(formatted, original.message, 'TOO_MANY_REQUESTS', { retryAfterSeconds: original.retryAfterSeconds });
    }
    if (original instanceof GraphQLError && formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') {
      return formatted;
    }

    logger.error({ err: original, path: formatted.path }, 'GraphQL resolver failed');
    if (development) return formatted;
    return { message: INTERNAL_MESSAGE, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function withCode(formatted: GraphQLFormattedError, message: string, code: string, extra: Record<string, unknown> = {}): GraphQLFormattedError {
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code, ...extra },
  };
}
