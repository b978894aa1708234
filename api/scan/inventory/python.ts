/**
 * Installed Python distributions: the core metadata file (`*.dist-info/METADATA`,
 * or `*.egg-info/PKG-INFO` for older installs), whose header lines carry `Name`
 * and `Version` (Python Packaging "Core metadata specifications").
 */

/** One Python distribution name and version. */
export interface PythonPackage {
  name: string;
  version: string;
}

/** Reads `Name` and `Version` from the header; returns undefined if either is missing. */
export function parsePythonMetadata(text: string): PythonPackage | undefined {
  let name: string | undefined;
  let version: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const match = /^(Name|Version):\s*(.*?)\s*$/i.exec(line);
    if (!match) continue;
    if (match[1]!.toLowerCase() === 'name') name ??= match[2];
    else version ??= match[2];
  }
  return name && version ? { name, version } : undefined;
}

/** Normalises a distribution name as PEP 503 does: `Foo_Bar.baz` → `foo-bar-baz`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
