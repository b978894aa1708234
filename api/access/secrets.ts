import { createHash, randomBytes } from 'node:crypto';

/**
 * Robot secrets and personal access tokens are 256-bit random strings, so a
 * SHA-256 of them is enough to store (unlike passwords, they cannot be guessed
 * from a dictionary) and lets a sign-in find the row by its hash.
 */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Prefix of personal access tokens, so a sign-in can tell them from passwords. */
export const ACCESS_TOKEN_PREFIX = 'wharf_pat_';
