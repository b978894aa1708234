import { gzipSync } from 'node:zlib';

/** One tar entry for a hand-built archive; `type` is the ustar type flag ('0' file, '2' symlink, '1' hard link, '5' folder). */
export interface TarEntrySpec {
  path: string;
  content?: string | Buffer;
  type?: '0' | '1' | '2' | '5';
  linkTarget?: string;
  /** Size written in the header, when it should differ from the content (for oversized entries). */
  declaredSize?: number;
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** Builds an uncompressed ustar archive, byte by byte, so tests can write entries real tools refuse to make. */
export function buildTar(entries: TarEntrySpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
    const header = Buffer.alloc(512);
    header.write(entry.path, 0, 100, 'utf8');
    writeOctal(header, 100, 8, 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, entry.declaredSize ?? content.length);
    writeOctal(header, 136, 12, 0);
    header.fill(' ', 148, 156);
    header.write(entry.type ?? '0', 156, 1, 'ascii');
    if (entry.linkTarget) header.write(entry.linkTarget, 157, 100, 'utf8');
    header.write('ustar\u000000', 257, 8, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    blocks.push(header, content);
    const padding = (512 - (content.length % 512)) % 512;
    blocks.push(Buffer.alloc(padding));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Builds a gzip-compressed chart archive from entries. */
export function buildArchive(entries: TarEntrySpec[]): Buffer {
  return gzipSync(buildTar(entries));
}

/** Builds a minimal valid chart archive, with an optional Chart.yaml text and extra files. */
export function buildChart(name: string, version: string, options: { chartYaml?: string; files?: TarEntrySpec[] } = {}): Buffer {
  const chartYaml = options.chartYaml ?? `apiVersion: v2\nname: ${name}\nversion: "${version}"\ndescription: Test chart ${name}\n`;
  return buildArchive([
    { path: `${name}/Chart.yaml`, content: chartYaml },
    { path: `${name}/values.yaml`, content: 'image:\n  repository: library/nginx\n  tag: "1.25"\n' },
    { path: `${name}/templates/deployment.yaml`, content: 'spec:\n  containers:\n    - image: "busybox:1.36"\n' },
    ...(options.files ?? []),
  ]);
}
