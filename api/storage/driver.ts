import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where blob and upload bytes live. Keys are slash-separated relative paths
 * chosen by the caller (see ./paths.ts). Every driver passes the shared suite in
 * test/storage/driver-suite.ts.
 */
export interface StorageDriver {
  readonly name: string;

  /** Returns the object's size in bytes, or undefined when it does not exist. */
  stat(key: string): Promise<{ size: number } | undefined>;

  /**
   * Opens a stream of the object's bytes, or of `range` only. Rejects with
   * StorageNotFoundError when the object does not exist.
   */
  read(key: string, range?: ByteRange): Promise<Readable>;

  /**
   * Writes `source` into the object starting at byte `offset`, creating the
   * object when `offset` is 0. Bytes past `offset` from an earlier, interrupted
   * write are discarded first. Resolves with the object's new size.
   */
  writeAt(key: string, offset: number, source: Readable): Promise<number>;

  /**
   * Moves an object to a new key. The destination appears whole or not at all,
   * and an existing destination is replaced. Rejects with StorageNotFoundError
   * when `from` does not exist.
   */
  move(from: string, to: string): Promise<void>;

  /** Deletes an object; resolves false when it did not exist. */
  delete(key: string): Promise<boolean>;

  /**
   * Lists the keys under a prefix, in no particular order. The prefix is a
   * folder: `list('a')` yields `a/b` but not `ab/c`, and `list('')` yields every key.
   */
  list(prefix: string): AsyncIterable<string>;

  /**
   * Opens the object as a local file, for drivers that store files. Rejects
   * with StorageNotFoundError when the object does not exist.
   */
  openFile?(key: string): Promise<FileHandle>;
}

/** Raised by `read` and `move` for a key that does not exist. */
export class StorageNotFoundError extends Error {
  constructor(readonly key: string, readonly driver: string) {
    super(`${driver}: no object at ${key}`);
    this.name = 'StorageNotFoundError';
  }
}
