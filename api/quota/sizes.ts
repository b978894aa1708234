import { WharfError } from '../errors/catalog.ts';

const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/** Parses a storage size such as `50MiB`, `1.5GB` or `1024`; `-1` means unlimited and returns -1. */
export function parseSize(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '-1') return -1;

  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(trimmed);
  const unit = match ? UNITS[match[2]!.toUpperCase()] : undefined;
  if (!match || unit === undefined) {
    throw new WharfError('INVALID_INPUT', `invalid size "${text}": use a number with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), or -1 for unlimited`);
  }
  return Math.round(Number(match[1]) * unit);
}

/** Formats bytes with a binary unit, e.g. `50.0 MiB`. */
export function formatSize(bytes: number | bigint): string {
  const value = Number(bytes);
  if (value < 0) return 'unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let index = 0;
  while (scaled >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return index === 0 ? `${value} B` : `${scaled.toFixed(1)} ${units[index]}`;
}
