import { WharfError } from '../errors/catalog.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses a duration such as `90s`, `30m`, `2h` or `7d` (a bare number is seconds) into seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) throw new WharfError('INVALID_INPUT', `invalid duration "${text}": use a number with s, m, h or d, e.g. 2h`);
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's']!;
}
