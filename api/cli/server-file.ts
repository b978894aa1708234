import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What a running server on the embedded database leaves in its data folder so
 * that the CLI forwards commands to it instead of opening PGlite a second time.
 * The token is readable only by the owner of the data folder.
 */
export interface ServerFile {
  pid: number;
  url: string;
  token: string;
}

export function serverFilePath(dataDir: string): string {
  return path.join(dataDir, 'server.json');
}

export async function writeServerFile(dataDir: string, url: string): Promise<ServerFile> {
  const file: ServerFile = { pid: process.pid, url, token: randomBytes(32).toString('hex') };
  await writeFile(serverFilePath(dataDir), JSON.stringify(file), { mode: 0o600 });
  return file;
}

export async function removeServerFile(dataDir: string): Promise<void> {
  await rm(serverFilePath(dataDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running server's file, or undefined when none is there or its process is gone. */
export async function readLiveServerFile(dataDir: string): Promise<ServerFile | undefined> {
  let file: ServerFile;
  try {
    file = JSON.parse(await readFile(serverFilePath(dataDir), 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
  return isAlive(file.pid) ? file : undefined;
}

export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
