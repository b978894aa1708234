/**
 * Reading OSV advisories from disk: a JSON file (one advisory or an array), a
 * folder of them, or a zip archive of JSON files as osv.dev publishes each
 * ecosystem (`<ecosystem>/all.zip`). Archives are read entry by entry with yauzl,
 * so only one advisory is in memory at a time.
 */
import { open as openFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { parseAdvisory, type Advisory } from './advisory.ts';

/**
 * Largest advisory document read, in bytes. osv.dev's largest records (long
 * `versions` lists) are a few MiB.
 */
export const maxAdvisoryBytes = 32 * 1024 * 1024;

/** One advisory read, or the reason a document could not be read; `source` names the file. */
export type AdvisoryReadResult =
  | { source: string; advisory: Advisory }
  | { source: string; error: string };

/**
 * Reads every advisory under a path, which may be a `.json` file, a `.zip` archive
 * or a folder searched recursively for both. A document that is not valid OSV
 * yields an error result and reading goes on; an unreadable path or archive throws.
 */
export async function* readAdvisories(location: string): AsyncGenerator<AdvisoryReadResult> {
  const info = await stat(location);
  if (info.isDirectory()) {
    const entries = await readdir(location, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = path.join(location, entry.name);
      if (entry.isDirectory() || /\.(json|zip)$/i.test(entry.name)) yield* readAdvisories(child);
    }
    return;
  }

  if (/\.zip$/i.test(location)) {
    yield* readZipArchive(location);
    return;
  }
  if (info.size > maxAdvisoryBytes) {
    yield { source: location, error: `file is larger than ${maxAdvisoryBytes} bytes` };
    return;
  }
  const handle = await openFile(location);
  try {
    yield* parseDocuments(location, await handle.readFile());
  } finally {
    await handle.close();
  }
}

async function* readZipArchive(archivePath: string): AsyncGenerator<AdvisoryReadResult> {
  const zip = await openZip(archivePath);
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      const source = `${archivePath}:${entry.fileName}`;
      if (!entry.fileName.toLowerCase().endsWith('.json')) continue;
      if (entry.uncompressedSize > maxAdvisoryBytes) {
        yield { source, error: `entry is larger than ${maxAdvisoryBytes} bytes` };
        continue;
      }
      const stream = await zip.openReadStreamPromise(entry);
      yield* parseDocuments(source, await readLimited(stream, maxAdvisoryBytes));
    }
  } finally {
    zip.close();
  }
}

function* parseDocuments(source: string, bytes: Buffer): Generator<AdvisoryReadResult> {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    yield { source, error: `invalid JSON: ${(error as Error).message}` };
    return;
  }

  for (const item of Array.isArray(document) ? document : [document]) {
    try {
      yield { source, advisory: parseAdvisory(item) };
    } catch (error) {
      yield { source, error: (error as Error).message };
    }
  }
}

function openZip(archivePath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(archivePath, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error) reject(new Error(`cannot read zip archive ${archivePath}: ${error.message}`));
      else resolve(zip);
    });
  });
}

/** Resolves with the archive's next entry, or undefined after the last one. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`zip entry is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
