import { WharfError } from '../errors/catalog.ts';

export interface PageRequest {
  limit: number;
  last?: string;
}

/** Upper bound on `n`, so one request cannot ask for an unbounded page. */
export const MAX_PAGE_SIZE = 10_000;

/** Reads `n` and `last` from a query; raises PAGINATION_NUMBER_INVALID for a bad `n`. */
export function readPageRequest(query: URLSearchParams, defaultLimit: number): PageRequest {
  const raw = query.get('n');
  let limit = defaultLimit;
  if (raw !== null && raw !== '') {
    if (!/^\d+$/.test(raw)) throw new WharfError('PAGINATION_NUMBER_INVALID', `n must be a non-negative integer, got "${raw}"`, { n: raw });
    limit = Math.min(Number(raw), MAX_PAGE_SIZE);
  }
  const last = query.get('last') ?? undefined;
  return last === undefined || last === '' ? { limit } : { limit, last };
}

/** The RFC 8288 `Link` header value for the next page. */
export function nextPageLink(path: string, limit: number, last: string): string {
  const query = new URLSearchParams({ n: String(limit), last });
  return `<${path}?${query.toString()}>; rel="next"`;
}
