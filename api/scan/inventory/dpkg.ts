/**
 * The dpkg status database (`/var/lib/dpkg/status`, and one file per package in
 * `/var/lib/dpkg/status.d/` as distroless images ship it): RFC 822-style
 * paragraphs separated by blank lines.
 */

/** One installed package from a status paragraph. */
export interface DpkgPackage {
  name: string;
  version: string;
  architecture?: string;
  sourceName?: string;
  sourceVersion?: string;
}

/**
 * Parses status paragraphs and returns the packages whose `Status` marks them
 * installed (`install ok installed`). A paragraph without `Status`, as in
 * `status.d` files, counts as installed. Paragraphs missing `Package` or
 * `Version` are skipped.
 */
export function parseDpkgStatus(text: string): DpkgPackage[] {
  const packages: DpkgPackage[] = [];
  for (const paragraph of text.split(/\r?\n(?:[ \t]*\r?\n)+/)) {
    const fields = parseParagraph(paragraph);
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version) continue;

    const status = fields.get('status');
    if (status !== undefined && status.split(/\s+/)[2] !== 'installed') continue;

    const parsed: DpkgPackage = { name, version };
    const architecture = fields.get('architecture');
    if (architecture) parsed.architecture = architecture;

    // "Source: name (version)" when the source version differs from the binary's.
    const source = /^(\S+)(?:\s+\((\S+)\))?$/.exec(fields.get('source') ?? '');
    if (source) {
      parsed.sourceName = source[1];
      if (source[2]) parsed.sourceVersion = source[2];
    }
    packages.push(parsed);
  }
  return packages;
}

/** Reads a paragraph's fields, lower-casing names and dropping continuation lines. */
function parseParagraph(paragraph: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of paragraph.split(/\r?\n/)) {
    if (line === '' || line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return fields;
}
