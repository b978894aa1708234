import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Hashes a password with argon2id (the library's default algorithm and cost). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Checks a password against a stored argon2 hash; false on any mismatch or malformed hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** A random password of URL-safe characters, for `admin` when none is configured. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
