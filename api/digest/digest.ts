import { createHash, type Hash } from 'node:crypto';
import { WharfError } from '../errors/catalog.ts';

/** Encoded lengths of the algorithms Wharf can verify (hex characters). */
const ALGORITHMS: Record<string, number> = { sha256: 64, sha512: 128 };

/** Syntax of any digest, registered or not (OCI image-spec descriptor grammar). */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export interface ParsedDigest {
  algorithm: string;
  encoded: string;
}

/** True when `value` looks like a digest at all (`algorithm:encoded`). */
export function looksLikeDigest(value: string): boolean {
  return value.includes(':');
}

/** Parses a digest Wharf can verify, or raises DIGEST_INVALID naming the value. */
export function parseDigest(value: string): ParsedDigest {
  if (!DIGEST_GRAMMAR.test(value)) {
    throw new WharfError('DIGEST_INVALID', `invalid digest "${value}"`, { digest: value });
  }
  const [algorithm, encoded] = value.split(':') as [string, string];
  const length = ALGORITHMS[algorithm];
  if (length === undefined) {
    throw new WharfError('DIGEST_INVALID', `unsupported digest algorithm "${algorithm}"; use sha256 or sha512`, { digest: value });
  }
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
    throw new WharfError('DIGEST_INVALID', `invalid ${algorithm} digest "${value}"`, { digest: value });
  }
  return { algorithm, encoded };
}

export function createDigester(algorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

/** Digest of a buffer in OCI form, e.g. `sha256:...`. */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
