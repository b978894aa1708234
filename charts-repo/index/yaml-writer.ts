/**
 * Writes JSON-compatible values as block YAML that Helm's strict loader reads
 * back with the same types under YAML 1.1 and 1.2: every string is
 * double-quoted (so `yes`, `1.10` or `null` stay strings), map keys are sorted
 * (so the same data always gives the same bytes), and keys are quoted unless
 * they are plain identifiers.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

/** Words a YAML 1.1 reader takes as booleans or null when unquoted. */
const SPECIAL_WORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~']);
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.\/-]*$/;

/** Characters YAML requires escaped in a double-quoted scalar that JSON.stringify leaves as they are. */
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function quoteString(value: string): string {
  return JSON.stringify(value).replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatKey(key: string): string {
  return PLAIN_KEY.test(key) && !SPECIAL_WORDS.has(key.toLowerCase()) ? key : quoteString(key);
}

function formatScalar(value: string | number | boolean | null): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to YAML`);
    return String(value);
  }
  return String(value);
}

function isMapping(value: YamlValue | undefined): value is { [key: string]: YamlValue | undefined } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Writes `value` after `prefix` (`key:` or `-`), on the same line when it is a scalar or empty. */
function writeNode(prefix: string, value: YamlValue, indent: string, lines: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) lines.push(`${prefix} []`);
    else {
      lines.push(prefix);
      writeSequence(value, indent, lines);
    }
  } else if (isMapping(value)) {
    if (Object.values(value).every((item) => item === undefined)) lines.push(`${prefix} {}`);
    else {
      lines.push(prefix);
      writeMapping(value, `${indent}  `, lines);
    }
  } else {
    lines.push(`${prefix} ${formatScalar(value)}`);
  }
}

/** Writes a mapping's entries at `indent`, keys sorted by code unit. */
export function writeMapping(mapping: { [key: string]: YamlValue | undefined }, indent: string, lines: string[]): void {
  for (const key of Object.keys(mapping).sort()) {
    const value = mapping[key];
    if (value === undefined) continue;
    writeNode(`${indent}${formatKey(key)}:`, value, indent, lines);
  }
}

/** Writes sequence items at `indent`; a mapping item starts on the dash line. */
export function writeSequence(items: YamlValue[], indent: string, lines: string[]): void {
  for (const item of items) {
    if (isMapping(item) && Object.values(item).some((value) => value !== undefined)) {
      const start = lines.length;
      writeMapping(item, `${indent}  `, lines);
      lines[start] = `${indent}- ${lines[start]!.slice(indent.length + 2)}`;
    } else {
      writeNode(`${indent}-`, item, `${indent}  `, lines);
    }
  }
}
