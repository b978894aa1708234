import { Prisma } from '../db/generated/client.ts';

/** Position of a row in a list sorted by a value and then by id. */
export interface SortKey {
  /** The sort value as text: an ISO time, a decimal integer or a name. */
  value: string;
  id: number;
}

/** Encodes a sort key for a cursor. */
export function formatSortKey(value: string, id: number): string {
  return `${id}|${value}`;
}

/** Decodes `formatSortKey` output; returns undefined for anything else. */
export function parseSortKey(text: string): SortKey | undefined {
  const separator = text.indexOf('|');
  const id = Number(text.slice(0, separator));
  if (separator < 1 || !Number.isSafeInteger(id)) return undefined;
  return { id, value: text.slice(separator + 1) };
}

/**
 * SQL condition selecting rows after `key` in a list ordered by `expression`
 * and then `a.id`-style `idColumn`, both ascending or both descending.
 */
export function sortCondition(
  expression: Prisma.Sql,
  cast: 'timestamp' | 'bigint' | 'text',
  key: SortKey,
  direction: 'ascending' | 'descending',
  idColumn: Prisma.Sql = Prisma.sql`a.id`,
): Prisma.Sql {
  const value = cast === 'timestamp' ? Prisma.sql`${key.value}::timestamp` : cast === 'bigint' ? Prisma.sql`${key.value}::bigint` : Prisma.sql`${key.value}::text`;
  return direction === 'descending'
    ? Prisma.sql`(${expression}, ${idColumn}) < (${value}, ${key.id})`
    : Prisma.sql`(${expression}, ${idColumn}) > (${value}, ${key.id})`;
}
