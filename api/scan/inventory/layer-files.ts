/**
 * The files of interest in an image's merged file system, as layers are applied
 * one after another. Only files the inventory reads are kept, with what was read
 * from them, so memory grows with package databases, not with layer size.
 */
import type { InstalledPackage, OsRelease } from './types.ts';

/** Packages and OS release read from one file. */
export interface FileRecord {
  path: string;
  layerDigest: string;
  packages: InstalledPackage[];
  osRelease?: OsRelease;
  /** Target of a symbolic link, kept for `os-release`, which is usually a link. */
  linkTarget?: string;
  /** Reason the file was not read. A skipped file still hides the same path below it. */
  skipped?: string;
}

/** Recorded files by path, with a count of recorded files under each directory. */
export class LayerFiles {
  #records = new Map<string, FileRecord>();
  #directoryCounts = new Map<string, number>();

  get(path: string): FileRecord | undefined {
    return this.#records.get(path);
  }

  values(): IterableIterator<FileRecord> {
    return this.#records.values();
  }

  set(record: FileRecord): void {
    if (!this.#records.has(record.path)) this.#countParents(record.path, 1);
    this.#records.set(record.path, record);
  }

  /** Removes the file at a path and returns it. */
  delete(path: string): FileRecord | undefined {
    const record = this.#records.get(path);
    if (!record) return undefined;
    this.#records.delete(path);
    this.#countParents(path, -1);
    return record;
  }

  /** Removes every file below a directory; cheap when nothing is recorded there. */
  deleteBelow(directory: string): void {
    if (directory === '') {
      this.#records.clear();
      this.#directoryCounts.clear();
      return;
    }
    if (!this.#directoryCounts.has(directory)) return;
    const prefix = `${directory}/`;
    for (const path of [...this.#records.keys()]) {
      if (path.startsWith(prefix)) this.delete(path);
    }
  }

  #countParents(path: string, change: number): void {
    let end = path.lastIndexOf('/');
    while (end > 0) {
      const directory = path.slice(0, end);
      const count = (this.#directoryCounts.get(directory) ?? 0) + change;
      if (count > 0) this.#directoryCounts.set(directory, count);
      else this.#directoryCounts.delete(directory);
      end = path.lastIndexOf('/', end - 1);
    }
  }
}

/** Normalises a tar path to `a/b/c`; returns undefined for a path that climbs with `..`. */
export function normalizePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}
