import { Readable } from 'node:stream';
import { type ByteRange, type StorageDriver, StorageNotFoundError } from './driver.ts';

/** Keeps objects in memory; for tests and throwaway instances. */
export class MemoryDriver implements StorageDriver {
  readonly name = 'memory';
  readonly #objects = new Map<string, Buffer>();

  async stat(key: string): Promise<{ size: number } | undefined> {
    const object = this.#objects.get(key);
    return object ? { size: object.length } : undefined;
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const object = this.#objects.get(key);
    if (!object) throw new StorageNotFoundError(key, this.name);
    return Readable.from([range ? object.subarray(range.start, range.end + 1) : object]);
  }

  async writeAt(key: string, offset: number, source: Readable): Promise<number> {
    const existing = offset === 0 ? Buffer.alloc(0) : (this.#objects.get(key) ?? Buffer.alloc(0)).subarray(0, offset);
    const chunks: Buffer[] = [existing];
    for await (const chunk of source) chunks.push(Buffer.from(chunk as Uint8Array));
    const object = Buffer.concat(chunks);
    this.#objects.set(key, object);
    return object.length;
  }

  async move(from: string, to: string): Promise<void> {
    const object = this.#objects.get(from);
    if (!object) throw new StorageNotFoundError(from, this.name);
    this.#objects.set(to, object);
    this.#objects.delete(from);
  }

  async delete(key: string): Promise<boolean> {
    return this.#objects.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (const key of [...this.#objects.keys()]) {
      if (key.startsWith(folder)) yield key;
    }
  }
}
