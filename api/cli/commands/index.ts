import type { Services } from '../../app/services.ts';
import { WharfError } from '../../errors/catalog.ts';
import { VERSION } from '../../version.ts';
import { runScan, runVulndb } from './scan-commands.ts';
import { runGc, runImmutable, runQuota, runRetention } from './storage-commands.ts';

/** What a command prints and its exit status. */
export interface CommandResult {
  output: string;
  exitCode: number;
}

export const USAGE = `usage: npm run wharf -- <command>

commands:
  version                         print Wharf's version
  project create NAME [--public]  create a project (private unless --public)
  project list                    list projects with their visibility
  quota set PROJECT SIZE          set a storage limit (50MiB, 2GB, -1 for unlimited)
  quota show PROJECT              print a project's limit and usage
  quota default SIZE              set the limit new projects get
  quota verify [--fix]            recompute usage from content and report drift
  gc [--dry-run] [--delete-untagged] [--grace DURATION]
                                  delete blobs nothing references (grace default 2h)
  retention add PROJECT --kind KIND [--value N] [--repo PATTERN] [--tag PATTERN]
                                  [--exclude-repo] [--exclude-tag]
                                  KIND: latestPushed, latestPulled, pushedWithinDays,
                                  pulledWithinDays, always
  retention list|remove|run PROJECT [ID] [--dry-run]
  immutable add PROJECT [--repo PATTERN] [--tag PATTERN] [--exclude-repo] [--exclude-tag]
  immutable list|remove PROJECT [ID]
  vulndb import FILE_OR_DIR       load OSV advisories (JSON files, folders, osv.dev zips)
  vulndb status                   print the advisory database version and scan jobs
  scan PROJECT/REPOSITORY:TAG [--timeout SECONDS]
                                  scan an image (each platform of an index), wait,
                                  and print the findings (timeout default 600)
`;

function ok(output: string): CommandResult {
  return { output, exitCode: 0 };
}

function usageError(message: string): CommandResult {
  return { output: `${message}\n\n${USAGE}`, exitCode: 2 };
}

async function runProject(args: string[], services: Services): Promise<CommandResult> {
  const [action, ...rest] = args;
  if (action === 'list') {
    const projects = await services.projects.list();
    return ok(projects.map((project) => `${project.name}\t${project.public ? 'public' : 'private'}`).join('\n') + '\n');
  }
  if (action !== 'create') return usageError(`unknown project command "${action ?? ''}"`);

  const flags = rest.filter((arg) => arg.startsWith('--'));
  const names = rest.filter((arg) => !arg.startsWith('--'));
  const unknown = flags.filter((flag) => flag !== '--public');
  if (unknown.length > 0) return usageError(`unknown option ${unknown.join(', ')}`);
  if (names.length !== 1) return usageError('project create takes exactly one NAME');

  const isPublic = flags.includes('--public');
  const project = await services.projects.create(names[0]!, { public: isPublic });
  // The command runs on the server host with no signed-in caller, so the log names the command line.
  await services.audit.record({ actor: 'cli', actorKind: 'system', action: 'project.create', resource: `project:${project.name}`, projectId: project.id, detail: { public: project.public } });
  return ok(`created ${project.public ? 'public' : 'private'} project ${project.name}\n`);
}

/** Commands that need no database. */
export function runStaticCommand(args: string[]): CommandResult | undefined {
  const [command] = args;
  if (command === undefined || command === 'help' || command === '--help') return ok(USAGE);
  if (command === 'version' || command === '--version') return ok(`wharf ${VERSION}\n`);
  return undefined;
}

/**
 * Runs a command against the services of this process. The server runs the same
 * function for a CLI that forwards its arguments (see ./remote.ts).
 */
export async function runCommand(args: string[], services: Services, progress: (line: string) => void = () => {}): Promise<CommandResult> {
  const fixed = runStaticCommand(args);
  if (fixed) return fixed;

  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'project':
        return await runProject(rest, services);
      case 'quota':
        return await runQuota(rest, services);
      case 'gc':
        return await runGc(rest, services);
      case 'retention':
        return await runRetention(rest, services);
      case 'immutable':
        return await runImmutable(rest, services);
      case 'vulndb':
        return await runVulndb(rest, services, progress);
      case 'scan':
        return await runScan(rest, services);
      default:
        return usageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof WharfError) return { output: `error: ${error.message}\n`, exitCode: 1 };
    // parseArgs raises TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return usageError((error as Error).message);
    throw error;
  }
}
