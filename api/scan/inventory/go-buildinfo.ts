/**
 * Go build information in ELF executables, read from a stream.
 *
 * Since Go 1.18 the linker writes a 32-byte header into the `.go.buildinfo`
 * section: the magic `\xff Go buildinf:`, the pointer size, a flags byte (bit 2
 * set: strings follow inline), padding, then two length-prefixed (uvarint) strings:
 * the toolchain version (`go1.21.5`) and the module information (`path`, `mod`,
 * `dep` and `=>` lines, framed by 16 sentinel bytes at each end). The section is
 * 16-byte aligned and sits in a writable, non-executable PT_LOAD segment, which
 * the program headers at the start of the file locate. So the reader keeps the
 * first bytes until the program headers are parsed, then searches only writable
 * segments, holding at most one chunk plus the build information itself.
 */

const magic = Buffer.from('\xff Go buildinf:', 'latin1');
const headerSize = 32;
const alignment = 16;
/** Largest ELF prefix kept while waiting for the program headers. */
const maxElfPrefixBytes = 64 * 1024;

/** A module listed in the build information. */
export interface GoModule {
  path: string;
  version: string;
}

/** Build information of one Go executable. */
export interface GoBuildInfo {
  goVersion: string;
  /** Package path of the main package, such as `example.com/app/cmd/app`. */
  path?: string;
  main?: GoModule;
  /** Dependencies, with `=>` replacements applied when the replacement has a version. */
  deps: GoModule[];
}

/** Outcome of scanning one file. */
export type GoBuildInfoResult =
  | { kind: 'found'; info: GoBuildInfo }
  | { kind: 'none' }
  | { kind: 'unsupported'; reason: string };

interface FileRange {
  start: number;
  end: number;
}

/**
 * Scans one file for Go build information. Feed every chunk in order with
 * `write`, then call `finish`. `done` turns true once the result is known, after
 * which the caller may stop writing.
 */
export class GoBuildInfoReader {
  #maxBytes: number;
  #offset = 0;
  #prefix: Buffer[] = [];
  #prefixLength = 0;
  #segments: FileRange[] | undefined;
  #tail = Buffer.alloc(0);
  #capture: Buffer[] | undefined;
  #captureLength = 0;
  #result: GoBuildInfoResult | undefined;

  /** @param maxBytes largest build information read, header and strings included. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get done(): boolean {
    return this.#result !== undefined;
  }

  write(chunk: Buffer): void {
    if (this.#result) return;
    const chunkStart = this.#offset;
    this.#offset += chunk.length;

    if (this.#capture) {
      this.#appendCapture(chunk);
      return;
    }
    if (!this.#segments) {
      this.#collectPrefix(chunk);
      if (!this.#segments || this.#result) return;
      // The prefix may already cover part of a writable segment: search it too.
      const prefix = Buffer.concat(this.#prefix);
      this.#prefix = [];
      this.#search(prefix, 0);
      return;
    }
    this.#search(chunk, chunkStart);
  }

  finish(): GoBuildInfoResult {
    if (!this.#result && this.#capture) {
      this.#result = { kind: 'unsupported', reason: 'Go build information is truncated' };
    }
    return this.#result ?? { kind: 'none' };
  }

  #collectPrefix(chunk: Buffer): void {
    this.#prefix.push(chunk);
    this.#prefixLength += chunk.length;
    const prefix = Buffer.concat(this.#prefix);
    this.#prefix = [prefix];

    const parsed = parseWritableSegments(prefix);
    if (parsed === 'not-elf') this.#result = { kind: 'none' };
    else if (parsed !== 'incomplete') this.#segments = parsed;
    else if (this.#prefixLength > maxElfPrefixBytes) this.#result = { kind: 'none' };
  }

  /** Looks for the magic at an aligned offset inside a writable segment. */
  #search(chunk: Buffer, chunkStart: number): void {
    const window = Buffer.concat([this.#tail, chunk]);
    const windowStart = chunkStart - this.#tail.length;
    let from = 0;
    for (;;) {
      const index = window.indexOf(magic, from);
      if (index < 0) break;
      const absolute = windowStart + index;
      if (absolute % alignment === 0 && this.#inWritableSegment(absolute)) {
        this.#capture = [];
        this.#captureLength = 0;
        this.#appendCapture(window.subarray(index));
        return;
      }
      from = index + 1;
    }
    this.#tail = Buffer.from(window.subarray(Math.max(0, window.length - (magic.length - 1))));
  }

  #inWritableSegment(offset: number): boolean {
    return (this.#segments ?? []).some((range) => offset >= range.start && offset < range.end);
  }

  #appendCapture(bytes: Buffer): void {
    const room = this.#maxBytes - this.#captureLength;
    const captured = bytes.subarray(0, Math.max(0, room));
    this.#capture!.push(captured);
    this.#captureLength += captured.length;

    const data = Buffer.concat(this.#capture!);
    this.#capture = [data];
    const decoded = decodeBuildInfo(data);
    if (decoded !== 'incomplete') {
      this.#result = decoded;
      this.#capture = undefined;
    } else if (this.#captureLength >= this.#maxBytes) {
      this.#result = {
        kind: 'unsupported',
        reason: `Go build information is larger than ${this.#maxBytes} bytes`,
      };
      this.#capture = undefined;
    }
  }
}

/** Returns the file ranges of writable, non-executable PT_LOAD segments. */
function parseWritableSegments(prefix: Buffer): FileRange[] | 'not-elf' | 'incomplete' {
  if (prefix.length < 4) return 'incomplete';
  if (prefix.readUInt32BE(0) !== 0x7f454c46) return 'not-elf';
  if (prefix.length < 64) return 'incomplete';

  const is64 = prefix[4] === 2;
  const little = prefix[5] === 1;
  const u16 = (at: number) => (little ? prefix.readUInt16LE(at) : prefix.readUInt16BE(at));
  const u32 = (at: number) => (little ? prefix.readUInt32LE(at) : prefix.readUInt32BE(at));
  const u64 = (at: number) =>
    Number(little ? prefix.readBigUInt64LE(at) : prefix.readBigUInt64BE(at));

  const tableOffset = is64 ? u64(32) : u32(28);
  const entrySize = u16(is64 ? 54 : 42);
  const count = u16(is64 ? 56 : 44);
  const tableEnd = tableOffset + entrySize * count;
  // A program header entry is 56 bytes in ELF64 and 32 in ELF32; a smaller size is a corrupt file.
  if (entrySize < (is64 ? 56 : 32) || count === 0) return 'not-elf';
  if (tableEnd > maxElfPrefixBytes) return 'not-elf';
  if (prefix.length < tableEnd) return 'incomplete';

  const ranges: FileRange[] = [];
  for (let index = 0; index < count; index++) {
    const at = tableOffset + index * entrySize;
    const type = u32(at);
    const flags = is64 ? u32(at + 4) : u32(at + 24);
    const fileOffset = is64 ? u64(at + 8) : u32(at + 4);
    const fileSize = is64 ? u64(at + 32) : u32(at + 16);
    const writableData = (flags & 0b011) === 0b010;
    if (type === 1 && writableData && fileSize > 0) {
      ranges.push({ start: fileOffset, end: fileOffset + fileSize });
    }
  }
  return ranges;
}

function decodeBuildInfo(data: Buffer): GoBuildInfoResult | 'incomplete' {
  if (data.length < headerSize) return 'incomplete';
  const flags = data[15]!;
  if ((flags & 2) === 0) {
    return {
      kind: 'unsupported',
      reason: 'Go build information in the pre-1.18 pointer format is not supported',
    };
  }

  const version = readString(data, headerSize);
  if (version === 'incomplete') return version;
  const modinfo = readString(data, version.next);
  if (modinfo === 'incomplete') return modinfo;
  if (version.text === '') return { kind: 'none' };

  // Strip the 16-byte sentinels that frame the module information.
  let text = modinfo.text;
  if (text.length >= 33 && text[text.length - 17] === '\n') text = text.slice(16, -16);
  else text = '';
  const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');
  return { kind: 'found', info: parseModuleInfo(utf8(version.text), utf8(text)) };
}

function readString(data: Buffer, start: number): { text: string; next: number } | 'incomplete' {
  let length = 0;
  let shift = 0;
  let position = start;
  for (;;) {
    if (position >= data.length) return 'incomplete';
    const byte = data[position++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    if (shift > 49) return { text: '', next: position };
  }
  if (position + length > data.length) return 'incomplete';
  return { text: data.toString('latin1', position, position + length), next: position + length };
}

/** Parses the module lines that `go version -m` prints. */
export function parseModuleInfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [] };
  for (const line of text.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (kind === 'path' && path) info.path = path;
    else if (kind === 'mod' && path) info.main = { path, version: version ?? '' };
    else if (kind === 'dep' && path) info.deps.push({ path, version: version ?? '' });
    else if (kind === '=>' && path && version) {
      // A replacement with a version is a module too; one without is a local directory.
      const replaced = info.deps.at(-1);
      if (replaced) Object.assign(replaced, { path, version });
    }
  }
  return info;
}
