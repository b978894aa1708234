/**
 * Inventory of an image: streams each layer's tar (plain, gzip, or zstd where Node.js supports it) in order,
 * applies OCI whiteouts, and lists the packages of the merged file system.
 * Nothing is unpacked to disk; only package databases (up to a size limit) and
 * Go build information are held in memory.
 */
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { classifyTextFile, readTextFile, type TextFileKind } from './file-readers.ts';
import { GoBuildInfoReader, type GoBuildInfo } from './go-buildinfo.ts';
import { goToolchainToSemver } from '../versions/semver.ts';
import { summarizeInventory } from './summarize.ts';
import { LayerFiles, normalizePath, type FileRecord } from './layer-files.ts';
import type { Inventory, SkippedFile } from './types.ts';

/** One layer of an image, bottom layer first. `open` returns its blob's bytes. */
export interface LayerSource {
  digest: string;
  open(): Readable | Promise<Readable>;
}

/** Size limits, in bytes, for what the inventory reads into memory. */
export interface InventoryLimits {
  /** Largest package database, os-release, package.json or METADATA file read. */
  maxFileBytes: number;
  /** Largest npm lock file read; lock files of large applications pass 8 MiB. */
  maxLockfileBytes: number;
  /** Largest Go build information (header and module list) read from a binary. */
  maxBuildInfoBytes: number;
  /** Longest path considered, in characters; Linux's PATH_MAX is 4096. */
  maxPathLength: number;
  /** Most skipped files listed in the inventory; the rest are counted in one entry. */
  maxSkippedFiles: number;
}

export const defaultInventoryLimits: InventoryLimits = {
  maxFileBytes: 8 * 1024 * 1024,
  maxLockfileBytes: 32 * 1024 * 1024,
  maxBuildInfoBytes: 1024 * 1024,
  maxPathLength: 4096,
  maxSkippedFiles: 1000,
};

/** A layer that is not a readable tar archive. */
export class InvalidLayerError extends Error {
  readonly layerDigest: string;

  constructor(layerDigest: string, detail: string) {
    super(`layer ${layerDigest} is not a valid tar archive: ${detail}`);
    this.name = 'InvalidLayerError';
    this.layerDigest = layerDigest;
  }
}

/**
 * Lists the packages installed in an image. A file deleted (whiteout) or
 * replaced by a later layer no longer counts. A package that a later layer's
 * database still lists at the same version keeps the layer that installed it.
 * Throws InvalidLayerError naming the first layer that is not a tar archive.
 */
export async function readImageInventory(
  layers: LayerSource[],
  limits: Partial<InventoryLimits> = {},
): Promise<Inventory> {
  const settings = { ...defaultInventoryLimits, ...limits };
  const files = new LayerFiles();
  const skipped = new SkippedList(settings.maxSkippedFiles);

  for (const layer of layers) {
    const stream = await layer.open();
    const added = await readLayer(layer.digest, stream, files, settings, skipped);
    mergeLayer(files, added);
  }
  return summarizeInventory(files, skipped.list());
}

/** Files a layer adds, and the files they replace (for keeping package layers). */
interface LayerChanges {
  records: Map<string, FileRecord>;
  replaced: Map<string, FileRecord>;
}

function readLayer(
  digest: string,
  stream: Readable,
  files: LayerFiles,
  limits: InventoryLimits,
  skipped: SkippedList,
): Promise<LayerChanges> {
  const changes: LayerChanges = { records: new Map(), replaced: new Map() };
  const parser = new Parser({ brotli: false });
  let entries = 0;
  let failure: string | undefined;

  parser.on('entry', (entry: ReadEntry) => {
    entries++;
    readEntry(entry, digest, files, changes, limits, skipped);
  });
  parser.on('warn', (code: string, message: string | Error) => {
    if (code === 'TAR_ENTRY_UNSUPPORTED' || code === 'TAR_ENTRY_INFO') return;
    // An empty layer (no bytes, or only end-of-archive blocks) is valid.
    if (code === 'TAR_BAD_ARCHIVE' && entries === 0 && failure === undefined) return;
    failure ??= typeof message === 'string' ? message : message.message;
  });

  return new Promise((resolve, reject) => {
    const fail = (detail: string) => {
      stream.destroy();
      reject(new InvalidLayerError(digest, detail));
    };
    parser.on('error', (error: Error) => fail(error.message));
    stream.on('error', (error: Error) => fail(`reading the layer failed: ${error.message}`));
    parser.on('close', () => {
      if (failure !== undefined) fail(failure);
      else resolve(changes);
    });
    feedParser(stream, parser, fail);
  });
}

/** zstd frame magic number (RFC 8878), little-endian `0xFD2FB528`. */
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * Writes the layer into the parser with backpressure. The parser throws from
 * `write` when it cannot decompress (zstd on a Node.js without zstd in zlib),
 * and that throw is turned into a failure here, so it cannot crash the process.
 */
function feedParser(stream: Readable, parser: Parser, fail: (detail: string) => void): void {
  let first = true;
  let failed = false;
  const stop = (detail: string) => {
    failed = true;
    fail(detail);
  };
  stream.on('data', (chunk: Buffer) => {
    if (failed) return;
    if (first) {
      first = false;
      if (chunk.subarray(0, 4).equals(ZSTD_MAGIC) && typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress !== 'function') {
        stop(`the layer is zstd-compressed, which needs Node.js 22.15 or later (this is ${process.version})`);
        return;
      }
    }
    try {
      if (!parser.write(chunk)) stream.pause();
    } catch (error) {
      stop((error as Error).message);
    }
  });
  parser.on('drain', () => stream.resume());
  stream.on('end', () => {
    if (!failed) parser.end();
  });
}

function readEntry(
  entry: ReadEntry,
  digest: string,
  files: LayerFiles,
  changes: LayerChanges,
  limits: InventoryLimits,
  skipped: SkippedList,
): void {
  const path = normalizePath(entry.path);
  if (path === undefined || path.length > limits.maxPathLength) {
    const displayedPath = entry.path.length > 200 ? `${entry.path.slice(0, 200)}...` : entry.path;
    skipped.add({ path: displayedPath, layerDigest: digest, reason: 'path is invalid or too long' });
    entry.resume();
    return;
  }
  if (path === '') {
    entry.resume();
    return;
  }

  const slash = path.lastIndexOf('/');
  const directory = slash >= 0 ? path.slice(0, slash) : '';
  const name = path.slice(slash + 1);
  if (name.startsWith('.wh.')) {
    applyWhiteout(files, directory, name);
    entry.resume();
    return;
  }

  // Any entry hides the lower layers' file at its path; a non-directory also
  // hides everything below that path.
  const replaced = files.delete(path);
  if (replaced) changes.replaced.set(path, replaced);
  if (entry.type !== 'Directory') files.deleteBelow(path);

  const kind = classifyTextFile(path);
  if (kind && (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile')) {
    readText(entry, kind, path, digest, changes, limits);
  } else if (kind === 'os-release' && entry.type === 'SymbolicLink') {
    record(changes, { path, layerDigest: digest, packages: [], linkTarget: entry.linkpath });
    entry.resume();
  } else if (kind) {
    record(changes, { path, layerDigest: digest, packages: [], skipped: `not a regular file (${entry.type})` });
    entry.resume();
  } else if (entry.type === 'File' && ((entry.mode ?? 0) & 0o111) !== 0 && (entry.size ?? 0) > 64) {
    readExecutable(entry, path, digest, changes, limits);
  } else {
    entry.resume();
  }
}

function readText(
  entry: ReadEntry,
  kind: TextFileKind,
  path: string,
  digest: string,
  changes: LayerChanges,
  limits: InventoryLimits,
): void {
  const limit = kind === 'npm-lockfile' ? limits.maxLockfileBytes : limits.maxFileBytes;
  if ((entry.size ?? 0) > limit) {
    const reason = `file is ${entry.size} bytes, larger than the ${limit}-byte limit`;
    record(changes, { path, layerDigest: digest, packages: [], skipped: reason });
    entry.resume();
    return;
  }

  const chunks: Buffer[] = [];
  entry.on('data', (chunk: Buffer) => chunks.push(chunk));
  entry.on('end', () => {
    try {
      const contents = readTextFile(kind, path, Buffer.concat(chunks).toString('utf8'));
      const packages = contents.packages.map((item) => ({ ...item, layerDigest: digest }));
      record(changes, { path, layerDigest: digest, packages, osRelease: contents.osRelease });
    } catch (error) {
      const reason = `cannot parse: ${(error as Error).message}`;
      record(changes, { path, layerDigest: digest, packages: [], skipped: reason });
    }
  });
}

function readExecutable(
  entry: ReadEntry,
  path: string,
  digest: string,
  changes: LayerChanges,
  limits: InventoryLimits,
): void {
  const reader = new GoBuildInfoReader(limits.maxBuildInfoBytes);
  let failure: string | undefined;
  entry.on('data', (chunk: Buffer) => {
    if (reader.done || failure !== undefined) return;
    try {
      reader.write(chunk);
    } catch (error) {
      // A corrupt executable must not stop the scan, let alone the process.
      failure = `cannot read Go build information: ${(error as Error).message}`;
    }
  });
  entry.on('end', () => {
    if (failure !== undefined) {
      record(changes, { path, layerDigest: digest, packages: [], skipped: failure });
      return;
    }
    const result = reader.finish();
    if (result.kind === 'unsupported') {
      record(changes, { path, layerDigest: digest, packages: [], skipped: result.reason });
    } else if (result.kind === 'found') {
      record(changes, {
        path,
        layerDigest: digest,
        packages: goPackages(result.info).map((item) => ({ ...item, path, layerDigest: digest })),
      });
    }
  });
}

function goPackages(info: GoBuildInfo) {
  const modules = [...(info.main ? [info.main] : []), ...info.deps].filter(
    (module) => module.version !== '' && module.version !== '(devel)',
  );
  const packages = modules.map((module) => ({
    type: 'golang' as const,
    ecosystem: 'Go',
    name: module.path,
    version: module.version,
  }));
  // OSV lists the standard library as the Go package `stdlib`, with SemVer versions.
  const stdlib = goToolchainToSemver(info.goVersion);
  if (stdlib) packages.push({ type: 'golang', ecosystem: 'Go', name: 'stdlib', version: stdlib });
  return packages;
}

function applyWhiteout(files: LayerFiles, directory: string, name: string): void {
  if (name === '.wh..wh..opq') {
    files.deleteBelow(directory);
    return;
  }
  const target = directory === '' ? name.slice(4) : `${directory}/${name.slice(4)}`;
  files.delete(target);
  files.deleteBelow(target);
}

function record(changes: LayerChanges, fileRecord: FileRecord): void {
  changes.records.set(fileRecord.path, fileRecord);
}

/**
 * Adds a layer's files on top of the lower layers. A package that the replaced
 * file listed with the same name, version and architecture keeps its older layer.
 */
function mergeLayer(files: LayerFiles, changes: LayerChanges): void {
  for (const [path, fileRecord] of changes.records) {
    const previous = changes.replaced.get(path);
    if (previous) {
      const earlier = new Map(previous.packages.map((item) => [packageKey(item), item.layerDigest]));
      for (const item of fileRecord.packages) {
        item.layerDigest = earlier.get(packageKey(item)) ?? item.layerDigest;
      }
    }
    files.set(fileRecord);
  }
}

function packageKey(item: { type: string; name: string; version: string; architecture?: string }) {
  return `${item.type}\0${item.name}\0${item.version}\0${item.architecture ?? ''}`;
}

/** Skipped files up to a cap, then a count of the rest. */
class SkippedList {
  #entries: SkippedFile[] = [];
  #overflow = 0;
  #cap: number;

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(entry: SkippedFile): void {
    if (this.#entries.length < this.#cap) this.#entries.push(entry);
    else this.#overflow++;
  }

  list(): SkippedFile[] {
    if (this.#overflow === 0) return [...this.#entries];
    const more = { path: '', layerDigest: '', reason: `${this.#overflow} more files skipped` };
    return [...this.#entries, more];
  }
}
