/** The query string of a page, as Next.js passes it to server components. */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Returns the first value of a query parameter, or undefined when it is missing or empty. */
export function queryValue(params: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}

/** Builds `path?query` from the given parameters, leaving out empty ones. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const entries = Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1]));
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`;
}
