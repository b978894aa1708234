/**
 * `/etc/os-release` (os-release(5)): shell-style `KEY=value` lines.
 */
import type { OsRelease } from './types.ts';

/** Parses the file; returns undefined when it has no `ID`. */
export function parseOsRelease(text: string): OsRelease | undefined {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) values.set(match[1]!, unquote(match[2]!.trim()));
  }

  const id = values.get('ID');
  if (!id) return undefined;
  const release: OsRelease = { id };
  const versionId = values.get('VERSION_ID');
  const codename = values.get('VERSION_CODENAME');
  const prettyName = values.get('PRETTY_NAME');
  if (versionId) release.versionId = versionId;
  if (codename) release.versionCodename = codename;
  if (prettyName) release.prettyName = prettyName;
  return release;
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  if (!quoted) return value;
  return quoted[1]!.replace(/\\(["'$`\\])/g, '$1');
}
