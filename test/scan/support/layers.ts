// Builds image layers in memory for the scanner tests: tar streams written with
// node-tar's header encoder, optionally gzip-compressed, never touching disk.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Header, Pax } from 'tar';
import type { LayerSource } from '../../../api/scan/inventory/image.ts';

export interface LayerEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink';
  content?: string | Buffer;
  /** Size of a file made of zero bytes, streamed without allocating it whole. */
  zeroBytes?: number;
  mode?: number;
  linkpath?: string;
}

const blockSize = 512;

function* tarBlocks(entries: LayerEntry[]): Generator<Buffer> {
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    const size = type === 'File' ? (content?.length ?? entry.zeroBytes ?? 0) : 0;
    const fields = {
      path: entry.path,
      type,
      size,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      uid: 0,
      gid: 0,
      mtime: new Date(0),
      linkpath: entry.linkpath,
    };

    // Paths over 100 bytes need a PAX extended header first.
    if (Buffer.byteLength(entry.path) > 99 || (entry.linkpath && entry.linkpath.length > 99)) {
      yield new Pax({ ...fields, atime: undefined, ctime: undefined }).encode();
    }
    const header = new Header(fields);
    const block = Buffer.alloc(blockSize);
    header.encode(block, 0);
    yield block;

    if (content) {
      yield content;
    } else if (entry.zeroBytes) {
      const chunk = Buffer.alloc(Math.min(entry.zeroBytes, 1024 * 1024));
      for (let left = entry.zeroBytes; left > 0; left -= chunk.length) {
        yield left >= chunk.length ? chunk : chunk.subarray(0, left);
      }
    }
    const padding = (blockSize - (size % blockSize)) % blockSize;
    if (padding > 0) yield Buffer.alloc(padding);
  }
  yield Buffer.alloc(blockSize * 2);
}

/** Builds a layer from entries. Its digest is derived from the name, not the bytes. */
export function buildLayer(name: string, entries: LayerEntry[], gzip = true): LayerSource {
  return {
    digest: `sha256:${createHash('sha256').update(name).digest('hex')}`,
    open: () => {
      const stream = Readable.from(tarBlocks(entries), { objectMode: false });
      return gzip ? stream.pipe(createGzip()) : stream;
    },
  };
}

/** Builds a layer whose blob is the given raw bytes. */
export function rawLayer(name: string, bytes: Buffer): LayerSource {
  return {
    digest: `sha256:${createHash('sha256').update(name).digest('hex')}`,
    open: () => Readable.from([bytes]),
  };
}
