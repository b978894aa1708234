import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** Command-line tools the real-client tests use, with the Debian package that installs each. */
export const DEBIAN_PACKAGES = {
  skopeo: 'skopeo',
  podman: 'podman',
  umoci: 'umoci',
  buildah: 'buildah',
  'docker-registry': 'docker-registry',
  go: 'golang-go',
} as const;

export type Tool = keyof typeof DEBIAN_PACKAGES;

/** True when CI=true: there a missing tool is an error, not a reason to skip. */
const IN_CI = process.env.CI === 'true';

function isOnPath(command: string): boolean {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    try {
      accessSync(path.join(directory, command), constants.X_OK);
      return true;
    } catch {
      // Not in this directory; try the next one.
    }
  }
  return false;
}

/**
 * Returns a skip message naming the Debian packages to install when any of `tools` is
 * missing from PATH, or false when all are present. Pass the result as the `skip`
 * option of `describe` or `test`. With CI=true a missing tool throws instead, so the
 * test file fails rather than passing silently.
 */
export function skipUnlessInstalled(...tools: Tool[]): string | false {
  const missing = tools.filter((tool) => !isOnPath(tool));
  if (missing.length === 0) return false;

  const packages = [...new Set(missing.map((tool) => DEBIAN_PACKAGES[tool]))].join(' ');
  const message = `${missing.join(', ')} not found on PATH; install with: apt-get install ${packages}`;
  if (IN_CI) throw new Error(`${message} (CI=true, so missing tools fail the run)`);
  return message;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Raised when a command exits with a non-zero status; the message carries its stderr. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${command} failed with exit code ${exitCode}:\n${stderr.trim() || stdout.trim()}`);
    this.name = 'CommandError';
  }
}

/** Runs a command without a shell and resolves with its output; rejects with CommandError. */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const exitCode = typeof error.code === 'number' ? error.code : null;
          reject(new CommandError(`${command} ${args.join(' ')}`, exitCode, stdout, stderr));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
