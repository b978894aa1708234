/**
 * Debian package version comparison, as specified by Debian Policy 5.6.12 and
 * implemented by dpkg: `[epoch:]upstream_version[-debian_revision]`.
 */

/** A dpkg version split into its three parts. */
export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/**
 * Splits a version into epoch, upstream version and revision. The revision is the
 * part after the last hyphen, so the upstream version may contain hyphens.
 * Throws on an empty version or a non-numeric epoch. Like dpkg's comparison, it
 * accepts an upstream version that does not start with a digit.
 */
export function parseDpkgVersion(version: string): DpkgVersion {
  const trimmed = version.trim();
  if (trimmed === '') throw new Error('invalid dpkg version: empty string');

  let epoch = 0;
  let rest = trimmed;
  const colon = trimmed.indexOf(':');
  if (colon >= 0) {
    const epochText = trimmed.slice(0, colon);
    if (!/^[0-9]+$/.test(epochText)) {
      throw new Error(`invalid dpkg version "${version}": epoch is not a number`);
    }
    epoch = Number(epochText);
    rest = trimmed.slice(colon + 1);
  }

  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  return { epoch, upstream, revision };
}

/**
 * Compares two dpkg versions and returns a negative number, zero or a positive
 * number. A missing revision equals revision "0", as in dpkg.
 */
export function compareDpkgVersions(a: string, b: string): number {
  const left = parseDpkgVersion(a);
  const right = parseDpkgVersion(b);
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;

  const upstream = compareVersionPart(left.upstream, right.upstream);
  if (upstream !== 0) return upstream;
  return compareVersionPart(left.revision, right.revision);
}

/**
 * Sort weight of one character in a non-digit run: `~` sorts before everything
 * (even the end of the string), letters sort before all other characters.
 */
function characterWeight(text: string, index: number): number {
  if (index >= text.length) return 0;
  const character = text[index]!;
  if (character === '~') return -1;
  if (isDigit(character)) return 0;
  if (/[A-Za-z]/.test(character)) return character.charCodeAt(0);
  return character.charCodeAt(0) + 256;
}

/**
 * Compares upstream versions or revisions: alternating runs of non-digits
 * (compared by characterWeight) and digits (compared as numbers).
 */
function compareVersionPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const difference = characterWeight(a, i) - characterWeight(b, j);
      if (difference !== 0) return difference < 0 ? -1 : 1;
      i++;
      j++;
    }

    const digitsA = readDigits(a, i);
    const digitsB = readDigits(b, j);
    i += digitsA.length;
    j += digitsB.length;
    const numeric = compareDigitStrings(digitsA, digitsB);
    if (numeric !== 0) return numeric;
  }
  return 0;
}

function readDigits(text: string, start: number): string {
  let end = start;
  while (end < text.length && isDigit(text[end]!)) end++;
  return text.slice(start, end);
}

/** Compares two runs of decimal digits as integers of any length. */
export function compareDigitStrings(a: string, b: string): number {
  const left = a.replace(/^0+/, '');
  const right = b.replace(/^0+/, '');
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}
