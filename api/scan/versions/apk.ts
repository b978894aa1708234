/**
 * Alpine apk version comparison, following apk-tools' src/version.c:
 * `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`.
 *
 * Ordering rules that differ from SemVer or dpkg:
 * - pre-release suffixes `_alpha < _beta < _pre < _rc` sort before no suffix, and
 *   post-release suffixes `_cvs < _svn < _git < _hg < _p` sort after it;
 * - a component after a dot that has a leading zero on either side compares as a
 *   string, so `1.01 < 1.1` and `1.001 < 1.01`;
 * - a letter directly after the last number sorts after the plain number but before
 *   a further component (`1.0 < 1.0a < 1.0.1`);
 * - `-rN` is the package revision and compares last.
 */

/** Token kinds in the order apk-tools ranks them. */
enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNumber,
  CommitHash,
  RevisionNumber,
  End,
  Invalid,
}

/** Suffix ranks: pre-releases below `none` (no suffix), post-releases above. */
const suffixRanks: Record<string, number> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const noSuffixRank = 5;

interface TokenState {
  token: Token;
  /** The token's characters: digits, the letter, the suffix word or the hash. */
  text: string;
}

/** Reads a version string one token at a time, like apk-tools' token_next. */
class ApkVersionReader {
  #text: string;
  #position = 0;
  state: TokenState;

  constructor(text: string) {
    this.#text = text;
    this.state = { token: Token.InitialDigit, text: '' };
    this.#readDigits(Token.InitialDigit);
  }

  next(): void {
    const previous = this.state.token;
    if (this.#position >= this.#text.length) {
      this.state = { token: Token.End, text: '' };
      return;
    }

    const character = this.#text[this.#position]!;
    if (character >= 'a' && character <= 'z') {
      if (previous > Token.Digit) return this.#invalid();
      this.#position++;
      this.state = { token: Token.Letter, text: character };
    } else if (character === '.' || isDigit(character)) {
      if (character === '.') {
        if (previous > Token.Digit) return this.#invalid();
        this.#position++;
      }
      if (previous === Token.InitialDigit || previous === Token.Digit) this.#readDigits(Token.Digit);
      else if (previous === Token.Suffix) this.#readDigits(Token.SuffixNumber);
      else this.#invalid();
    } else if (character === '_') {
      if (previous > Token.SuffixNumber) return this.#invalid();
      this.#position++;
      const word = this.#readWhile(/[a-z]/);
      const rank = suffixRanks[word];
      if (rank === undefined) return this.#invalid();
      this.state = { token: Token.Suffix, text: word };
    } else if (character === '~') {
      if (previous >= Token.CommitHash) return this.#invalid();
      this.#position++;
      const hash = this.#readWhile(/[0-9a-fA-F]/);
      if (hash === '') return this.#invalid();
      this.state = { token: Token.CommitHash, text: hash };
    } else if (character === '-') {
      if (previous >= Token.RevisionNumber || this.#text[this.#position + 1] !== 'r') {
        return this.#invalid();
      }
      this.#position += 2;
      this.#readDigits(Token.RevisionNumber);
    } else {
      this.#invalid();
    }
  }

  #readDigits(token: Token): void {
    const digits = this.#readWhile(/[0-9]/);
    this.state = digits === '' ? { token: Token.Invalid, text: '' } : { token, text: digits };
  }

  #readWhile(pattern: RegExp): string {
    const start = this.#position;
    while (this.#position < this.#text.length && pattern.test(this.#text[this.#position]!)) {
      this.#position++;
    }
    return this.#text.slice(start, this.#position);
  }

  #invalid(): void {
    this.state = { token: Token.Invalid, text: '' };
  }
}

/** Reports whether apk would accept the version string as valid. */
export function isValidApkVersion(version: string): boolean {
  const reader = new ApkVersionReader(version);
  while (reader.state.token < Token.End) reader.next();
  return reader.state.token === Token.End;
}

/** Compares two apk versions and returns a negative number, zero or a positive number. */
export function compareApkVersions(a: string, b: string): number {
  const left = new ApkVersionReader(a);
  const right = new ApkVersionReader(b);
  while (left.state.token === right.state.token && left.state.token < Token.End) {
    const difference = compareTokens(left.state, right.state);
    if (difference !== 0) return difference;
    left.next();
    right.next();
  }

  const leftToken = left.state;
  const rightToken = right.state;
  if (leftToken.token === rightToken.token) return 0;

  // Equal so far: the longer version is greater unless what follows is a pre-release suffix.
  if (leftToken.token === Token.Suffix && suffixRanks[leftToken.text]! < noSuffixRank) return -1;
  if (rightToken.token === Token.Suffix && suffixRanks[rightToken.text]! < noSuffixRank) return 1;
  return leftToken.token > rightToken.token ? -1 : 1;
}

function compareTokens(a: TokenState, b: TokenState): number {
  switch (a.token) {
    case Token.Digit:
      // A leading zero on either side makes apk compare the digits as strings.
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareNumbers(BigInt(a.text), BigInt(b.text));
    case Token.InitialDigit:
    case Token.SuffixNumber:
    case Token.RevisionNumber:
      return compareNumbers(BigInt(a.text), BigInt(b.text));
    case Token.Letter:
      return compareStrings(a.text, b.text);
    case Token.Suffix:
      return compareNumbers(suffixRanks[a.text]!, suffixRanks[b.text]!);
    default:
      return compareStrings(a.text, b.text);
  }
}

/** Byte-wise comparison, then the shorter string first, like apk's apk_blob_sort. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}
