import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { ChartInvalidError } from '../chart/chart-invalid-error.ts';

/** Size limits applied while a chart archive is unpacked, in bytes. */
export interface ArchiveLimits {
  /** Largest compressed archive accepted. */
  maxArchiveBytes: number;
  /** Largest total of decompressed bytes (the tar stream), which stops gzip bombs. */
  maxDecompressedBytes: number;
  /** Largest single file inside the archive. */
  maxFileBytes: number;
}

/**
 * Defaults: 10 MiB per archive as ChartMuseum's upload limit, and Helm's own
 * loader limits of 100 MiB decompressed and 5 MiB per file (Helm 3.17.3+).
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 10 * 1024 * 1024,
  maxDecompressedBytes: 100 * 1024 * 1024,
  maxFileBytes: 5 * 1024 * 1024,
};

/** A regular file of a chart, with its path relative to the chart folder. */
export interface ChartFile {
  path: string;
  data: Buffer;
}

export interface ChartArchiveContent {
  /** Name of the single top folder, usually the chart name. */
  folder: string;
  files: ChartFile[];
}

const GZIP_MAGIC = [0x1f, 0x8b];
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Tar entry types that carry no file: pax and GNU metadata headers, and folders. */
const SKIPPED_TYPES = new Set(['Directory', 'GlobalExtendedHeader', 'ExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath', 'OldGnuLongPath']);
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Unpacks a chart archive (gzip-compressed tar) into memory, applying Helm's
 * loader rules and Wharf's stricter ones: exactly one top folder, no links or
 * device files, no absolute or parent paths, and size limits on the archive,
 * on each file and on the decompressed total. Raises ChartInvalidError.
 */
export async function readChartArchive(archive: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<ChartArchiveContent> {
  if (archive.length === 0) throw new ChartInvalidError('the chart archive is empty');
  if (archive.length > limits.maxArchiveBytes) {
    throw new ChartInvalidError(`the chart archive is ${archive.length} bytes, over the ${limits.maxArchiveBytes}-byte limit`, 413);
  }
  if (archive[0] !== GZIP_MAGIC[0] || archive[1] !== GZIP_MAGIC[1]) {
    throw new ChartInvalidError('the chart archive is not gzip-compressed; package the chart with `helm package`');
  }

  const tarBytes = gunzipWithLimit(archive, limits.maxDecompressedBytes);
  const entries = await parseTar(tarBytes, limits.maxFileBytes);
  return collectFiles(entries);
}

function gunzipWithLimit(archive: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(archive, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new ChartInvalidError(`the decompressed chart is larger than the ${maxBytes}-byte limit`, 413);
    }
    throw new ChartInvalidError(`the chart archive is not valid gzip: ${(error as Error).message}`);
  }
}

interface TarEntry {
  type: string;
  path: string;
  data: Buffer;
}

/** Reads every tar entry. Raises on a header that fails its checksum or has an unknown format. */
function parseTar(tarBytes: Buffer, maxFileBytes: number): Promise<TarEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: TarEntry[] = [];
    let failure: ChartInvalidError | undefined;
    const fail = (error: ChartInvalidError) => {
      failure ??= error;
    };

    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (SKIPPED_TYPES.has(entry.type)) {
          entry.resume();
          return;
        }
        if (entry.size > maxFileBytes) {
          fail(new ChartInvalidError(`file "${entry.path}" is ${entry.size} bytes, over the ${maxFileBytes}-byte limit per file`, 413));
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => entries.push({ type: entry.type, path: entry.path, data: Buffer.concat(chunks) }));
      },
    });
    parser.on('error', (error: Error) => fail(new ChartInvalidError(`the chart archive is not a valid tar file: ${error.message}`)));
    parser.on('end', () => (failure ? reject(failure) : resolve(entries)));
    parser.end(tarBytes);
  });
}

/** Applies the path and entry-type rules and strips the top folder from each path. */
function collectFiles(entries: TarEntry[]): ChartArchiveContent {
  let folder: string | undefined;
  const files: ChartFile[] = [];

  for (const entry of entries) {
    if (!FILE_TYPES.has(entry.type)) {
      const kind = entry.type === 'SymbolicLink' || entry.type === 'Link' ? 'a link' : `a ${entry.type} entry`;
      throw new ChartInvalidError(`the chart archive contains ${kind} at "${entry.path}"; charts may contain regular files only`);
    }

    // Archives made on Windows use backslashes, which Helm reads as separators.
    const name = entry.path.replaceAll('\\', '/');
    if (name.startsWith('/')) throw new ChartInvalidError(`the chart archive contains an absolute path "${entry.path}"`);
    if (/^[a-zA-Z]:\//.test(name)) throw new ChartInvalidError(`the chart archive contains a drive-letter path "${entry.path}"`);
    if (name.split('/').includes('..')) throw new ChartInvalidError(`the chart archive references a parent folder in "${entry.path}"`);

    const slash = name.indexOf('/');
    if (slash <= 0) {
      const what = name === 'Chart.yaml' ? 'Chart.yaml is at the archive root' : `"${entry.path}" is outside the chart folder`;
      throw new ChartInvalidError(`${what}; put every file under one top folder named after the chart`);
    }
    const top = name.slice(0, slash);
    if (top === '.') throw new ChartInvalidError(`"${entry.path}" is outside the chart folder; put every file under one top folder`);
    if (folder !== undefined && top !== folder) {
      throw new ChartInvalidError(`the chart archive has more than one top folder ("${folder}" and "${top}")`);
    }
    folder = top;

    const relative = path.posix.normalize(name.slice(slash + 1));
    if (relative === '.' || relative === '' || relative.startsWith('../')) {
      throw new ChartInvalidError(`the chart archive contains an invalid path "${entry.path}"`);
    }
    files.push({ path: relative, data: stripBom(entry.data) });
  }

  if (files.length === 0 || folder === undefined) throw new ChartInvalidError('the chart archive contains no files');
  return { folder, files };
}

function stripBom(data: Buffer): Buffer {
  return data.subarray(0, 3).equals(UTF8_BOM) ? data.subarray(3) : data;
}
