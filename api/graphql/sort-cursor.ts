import { parseSortKey, type SortKey } from '../catalog/keyset.ts';
import { WharfError } from '../errors/catalog.ts';
import { decodeCursor } from './pagination.ts';

export type SortValueType = 'timestamp' | 'bigint' | 'text';

function isValidValue(type: SortValueType, value: string): boolean {
  if (type === 'bigint') return /^\d{1,19}$/.test(value);
  if (type === 'timestamp') return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));
  return true;
}

/**
 * Decodes a cursor whose key `formatSortKey` made, for the same list and sort. A cursor
 * of another list, another sort or with a value of the wrong type raises
 * BAD_USER_INPUT before it reaches SQL.
 */
export function decodeSortCursor(kind: string, cursor: string | undefined | null, type: SortValueType): SortKey | undefined {
  const text = decodeCursor(kind, cursor);
  if (text === undefined) return undefined;
  const key = parseSortKey(text);
  if (!key || !isValidValue(type, key.value)) throw new WharfError('INVALID_INPUT', `invalid cursor "${cursor}": use a cursor from this list`);
  return key;
}
