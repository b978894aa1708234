/**
 * Buffers kept for reuse, by size, at most `limitBytes` in all. V8 counts every
 * new buffer as external memory and starts garbage collections when that grows.
 * Six pulls of 512 MiB from a fresh process ran five mark-compacts with a new
 * pair of 1 MiB read buffers per download and one with this pool.
 */
export class BufferPool {
  readonly #free = new Map<number, Buffer[]>();
  #bytes = 0;

  constructor(private readonly limitBytes: number) {}

  /** The bytes of buffers waiting in the pool. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Returns a buffer of `size` bytes from the pool, or a new one. */
  take(size: number): Buffer {
    const buffer = this.#free.get(size)?.pop();
    if (!buffer) return Buffer.allocUnsafeSlow(size);
    this.#bytes -= size;
    return buffer;
  }

  /**
   * Puts a buffer that nothing uses any more back in the pool. When the pool is
   * full, buffers of other sizes make room, smallest first, so that a burst of
   * small copies cannot keep the large buffers out for good.
   */
  give(buffer: Buffer): void {
    const size = buffer.length;
    if (size > this.limitBytes) return;
    while (this.#bytes + size > this.limitBytes) {
      if (!this.#dropOther(size)) return;
    }
    const free = this.#free.get(size) ?? [];
    free.push(buffer);
    this.#free.set(size, free);
    this.#bytes += size;
  }

  /** Drops one pooled buffer of a size other than `size`, the smallest there is; false when there is none. */
  #dropOther(size: number): boolean {
    const sizes = [...this.#free.keys()].filter((other) => other !== size && this.#free.get(other)!.length > 0);
    if (sizes.length === 0) return false;
    const smallest = Math.min(...sizes);
    this.#free.get(smallest)!.pop();
    this.#bytes -= smallest;
    return true;
  }
}
