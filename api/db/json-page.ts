/** A page of names as a JSON array text, ready to go into a response body. */
export interface JsonPage {
  json: string;
  /** The last name of the page when more names follow, for the next page's `last`. */
  next?: string;
}

/** A page row as the tag and catalog statements return it: the JSON text, its last name and whether more follow. */
export interface JsonPageRow {
  names: string;
  lastName: string | null;
  more: boolean;
}

/** Turns a page row into a JsonPage, with `next` only when more names follow. */
export function toJsonPage(row: JsonPageRow): JsonPage {
  return row.more && row.lastName !== null ? { json: row.names, next: row.lastName } : { json: row.names };
}
