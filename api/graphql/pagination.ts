import { WharfError } from '../errors/catalog.ts';

/** Items per page when a query gives no `first`. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest `first` a query may ask for; larger values are rejected, not trimmed. */
export const MAX_PAGE_SIZE = 100;

/** A page in the shape of a Relay connection, before GraphQL serialises it. */
export interface Connection<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Checks `first` and returns the page size to use. */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new WharfError('INVALID_INPUT', `invalid first ${first}: request between 0 and ${MAX_PAGE_SIZE} items per page`);
  }
  return first;
}

/**
 * Encodes a keyset position as an opaque cursor. `kind` names the list, so a
 * cursor from one list is rejected by another instead of skipping rows.
 */
export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` for the same list; raises BAD_USER_INPUT otherwise. */
export function decodeCursor(kind: string, cursor: string | undefined | null): string | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(`${kind}:`)) throw new WharfError('INVALID_INPUT', `invalid cursor "${cursor}": use a cursor from this list`);
  return decoded.slice(kind.length + 1);
}

/**
 * Builds a connection from rows fetched with `limit + 1`: the extra row only
 * shows that a next page exists. `hasPreviousPage` is true whenever the page
 * started after a cursor, as forward-only pagination allows.
 */
export function toConnection<T>(
  rows: T[],
  limit: number,
  options: { kind: string; keyOf: (row: T) => string; after: string | undefined; totalCount: number },
): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(options.kind, options.keyOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: options.after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: options.totalCount,
  };
}
