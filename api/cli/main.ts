import pino from 'pino';
import { createServices } from '../app/services.ts';
import { bootstrapData } from '../app/bootstrap.ts';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { openStorage } from '../storage/index.ts';
import { type CommandResult, runCommand, runStaticCommand } from './commands/index.ts';
import { readLiveServerFile } from './server-file.ts';

/** Sends the command to the server that runs the embedded database. */
async function runRemote(url: string, token: string, args: string[]): Promise<CommandResult> {
  const response = await fetch(`${url}/api/internal/cli`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wharf-cli-token': token },
    body: JSON.stringify({ args }),
  });
  if (!response.ok) throw new Error(`the running server at ${url} rejected the command: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as CommandResult;
}

/** Opens the database named by the environment and runs the command in this process. */
async function runLocal(args: string[]): Promise<CommandResult> {
  const config = loadConfig();
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await applyMigrations(db, logger);
    const services = createServices(config, db, await openStorage(config.storageUrl), logger);
    const { generatedAdminPassword } = await bootstrapData(services);
    if (generatedAdminPassword) process.stderr.write(`Wharf created user "admin" with password: ${generatedAdminPassword}\n`);
    return await runCommand(args, services, (line) => process.stderr.write(line));
  } finally {
    await db.close();
  }
}

async function main(args: string[]): Promise<number> {
  const result = runStaticCommand(args) ?? (await runWithDatabase(args));
  (result.exitCode === 0 ? process.stdout : process.stderr).write(result.output);
  return result.exitCode;
}

async function runWithDatabase(args: string[]): Promise<CommandResult> {
  const config = loadConfig();
  // PGlite allows one process per data folder: go through the server when one runs.
  if (!config.databaseUrl) {
    const server = await readLiveServerFile(config.dataDir);
    if (server) return runRemote(server.url, server.token, args);
  }
  return runLocal(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
