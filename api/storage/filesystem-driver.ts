import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ByteRange, type StorageDriver, StorageNotFoundError } from './driver.ts';

/**
 * Bytes per read when streaming a file. Each read is a round trip to the thread
 * pool, so Node's default of 64 KiB costs CPU. Eight streamed downloads of a
 * 64 MiB blob, four at a time, took 0.46 s of CPU at 64 KiB and 0.33 s at 256 KiB.
 */
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Bytes a file write stream buffers before it pauses its source. Chunks that
 * arrive while a write runs are written together with one writev, so an upload
 * costs fewer thread-pool round trips than with the 16 KiB default. Pushing the
 * 512 MiB bench image took 1.6 to 1.7 s of CPU instead of 1.8 to 1.9 s.
 */
const WRITE_BUFFER_BYTES = 1024 * 1024;

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Stores objects as files under a root folder; `move` is a rename, so it is atomic. */
export class FilesystemDriver implements StorageDriver {
  readonly name = 'filesystem';

  constructor(readonly root: string) {}

  #path(key: string): string {
    const resolved = path.resolve(this.root, key);
    if (!resolved.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`storage key escapes the root: ${key}`);
    return resolved;
  }

  /** Folder of a list prefix; the empty prefix is the root itself. */
  #folder(prefix: string): string {
    return prefix === '' ? path.resolve(this.root) : this.#path(prefix);
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      const info = await stat(this.#path(key));
      return { size: info.size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.#path(key);
    const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES, ...(range ? { start: range.start, end: range.end } : {}) });
    // Wait for the open so a missing file rejects here, not later as a stream error.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(isNotFound(error) ? new StorageNotFoundError(key, this.name) : error));
    });
    return stream;
  }

  async writeAt(key: string, offset: number, source: Readable): Promise<number> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });

    const handle = await open(file, offset === 0 ? 'w' : 'r+');
    try {
      await handle.truncate(offset);
    } catch (error) {
      await handle.close();
      throw error;
    }
    // The stream owns the handle from here and closes it when it finishes or fails.
    await pipeline(source, handle.createWriteStream({ start: offset, highWaterMark: WRITE_BUFFER_BYTES }));
    const info = await stat(file);
    return info.size;
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.#path(to);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(this.#path(from), target);
    } catch (error) {
      throw isNotFound(error) ? new StorageNotFoundError(from, this.name) : error;
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.#path(key));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const start = this.#folder(prefix);
    let entries;
    try {
      entries = await readdir(start, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      yield path.relative(this.root, full).split(path.sep).join('/');
    }
  }

  /** Returns the absolute path of an object's file. */
  localPath(key: string): string {
    return this.#path(key);
  }

  async openFile(key: string): Promise<FileHandle> {
    try {
      return await open(this.#path(key), 'r');
    } catch (error) {
      throw isNotFound(error) ? new StorageNotFoundError(key, this.name) : error;
    }
  }
}
