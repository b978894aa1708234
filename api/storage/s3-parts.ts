import { Readable } from 'node:stream';

/**
 * Layout of an appendable S3 object. The base object contains the bytes written at
 * offset 0, and each later `writeAt` stores its bytes as a part object named
 * `<key>.parts/<offset>`. A segment is the base or one part.
 */
export interface Segment {
  /** S3 key of the base or part object. */
  key: string;
  /** Offset of the segment's first byte in the whole object. */
  start: number;
  /** Bytes of the segment that belong to the object: the next segment's start cuts it. */
  length: number;
  /** Bytes stored in the S3 object, at least `length`. */
  stored: number;
}

/** One piece of a segment, as an S3 ranged GET or copy reads it: inclusive `from`-`to`. */
export interface SegmentRange {
  key: string;
  from: number;
  to: number;
}

const OFFSET_DIGITS = 16;
const PART_NAME = /\.parts\/(\d{16})$/;

/** Returns the S3 key prefix under which an object's parts are stored. */
export function partsPrefix(objectKey: string): string {
  return `${objectKey}.parts/`;
}

/** Returns the S3 key of the part that starts at `offset`, zero-padded so keys sort by offset. */
export function partKey(objectKey: string, offset: number): string {
  return `${partsPrefix(objectKey)}${String(offset).padStart(OFFSET_DIGITS, '0')}`;
}

/** Returns the offset encoded in a part key, or undefined for any other key. */
export function partOffset(key: string): number | undefined {
  const match = PART_NAME.exec(key);
  return match ? Number(match[1]) : undefined;
}

/**
 * Builds the segment list from the base object and its parts (any order). A part
 * cuts the segment before it, which is how a rewrite at an earlier offset
 * truncates. Throws when the parts leave a gap, which only an interrupted delete
 * of parts can cause.
 */
export function buildSegments(base: { key: string; size: number }, parts: { key: string; size: number }[]): Segment[] {
  const ordered = parts
    .map((part) => ({ key: part.key, start: partOffset(part.key) ?? -1, stored: part.size }))
    .sort((a, b) => a.start - b.start);
  const segments: Segment[] = [{ key: base.key, start: 0, stored: base.size, length: base.size }];

  for (const part of ordered) {
    const previous = segments.at(-1)!;
    if (part.start <= previous.start || part.start > previous.start + previous.stored) {
      throw new Error(`S3 object ${base.key} has a gap before part ${part.key}; delete the object and write it again`);
    }
    previous.length = part.start - previous.start;
    segments.push({ key: part.key, start: part.start, stored: part.stored, length: part.stored });
  }
  return segments;
}

/** Returns the size of the object that the segments make up. */
export function totalSize(segments: Segment[]): number {
  const last = segments.at(-1);
  return last ? last.start + last.length : 0;
}

/** Returns the segment pieces that hold bytes `start` to `end` (inclusive) of the object. */
export function rangesOf(segments: Segment[], start: number, end: number): SegmentRange[] {
  const ranges: SegmentRange[] = [];
  for (const segment of segments) {
    const segmentEnd = segment.start + segment.length - 1;
    if (segment.length === 0 || segmentEnd < start || segment.start > end) continue;
    ranges.push({
      key: segment.key,
      from: Math.max(start, segment.start) - segment.start,
      to: Math.min(end, segmentEnd) - segment.start,
    });
  }
  return ranges;
}

/**
 * Yields `length` bytes of `body` after skipping `skip` bytes, then stops reading
 * (which destroys the body). For servers that send more than the range requested.
 */
export async function* sliceBytes(body: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let remaining = length;
  for await (const data of body) {
    let chunk = data as Buffer;
    if (toSkip > 0) {
      const dropped = Math.min(toSkip, chunk.length);
      chunk = chunk.subarray(dropped);
      toSkip -= dropped;
    }
    if (chunk.length > remaining) chunk = chunk.subarray(0, remaining);
    remaining -= chunk.length;
    if (chunk.length > 0) yield chunk;
    if (remaining === 0) return;
  }
  if (remaining > 0) throw new Error(`S3 response ended ${remaining} bytes early`);
}

/** Yields the chunks of `source`, calling `onBytes` with each chunk's length. */
export async function* countBytes(source: Readable, onBytes: (count: number) => void): AsyncGenerator<Buffer> {
  for await (const data of source) {
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
    onBytes(chunk.length);
    yield chunk;
  }
}

/** Wraps byte chunks in a byte-mode Readable. */
export function toReadable(chunks: AsyncIterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}
