import { parseArgs } from 'node:util';
import type { Services } from '../../app/services.ts';
import { WharfError } from '../../errors/catalog.ts';
import { describeProgress } from '../../scan/advisories/advisory-store.ts';
import { scanAndWait, type PlatformReport } from '../../scan/scan-results.ts';
import type { CommandResult } from './index.ts';

/** Longest wait of `scan` for its report, in seconds, unless --timeout sets another. */
const DEFAULT_SCAN_TIMEOUT_SECONDS = 600;

function invalidUsage(message: string): never {
  throw new WharfError('INVALID_INPUT', message);
}

/**
 * `vulndb import FILE_OR_DIR`, `vulndb status`. An import that changed
 * advisories queues a rescan of every scanned image.
 */
export async function runVulndb(args: string[], services: Services, progress: (line: string) => void): Promise<CommandResult> {
  const [action, ...rest] = args;
  if (action === 'status') {
    const version = await services.scan.advisories.currentVersion();
    const advisories = await services.db.prisma.advisory.count();
    const jobs = await services.scan.queue.counts();
    const jobText = Object.entries(jobs).map(([status, count]) => `${count} ${status}`).join(', ') || 'none';
    return { output: `advisory database version ${version ?? 'none (nothing imported yet)'}: ${advisories} advisories\nscan jobs: ${jobText}\n`, exitCode: 0 };
  }
  if (action !== 'import') invalidUsage(`unknown vulndb command "${action ?? ''}"; use import or status`);
  if (rest.length !== 1) invalidUsage('vulndb import takes one FILE_OR_DIR: an OSV JSON file, a folder of them, or an osv.dev all.zip');

  // NOTE: progress lines reach the terminal only when the CLI opens the database
  // itself; a command forwarded to a running server prints the summary alone.
  const summary = await services.scan.advisories.importFrom(rest[0]!, progress);
  const changed = summary.added + summary.updated > 0;
  const rescans = changed ? await services.scan.rescanAll() : 0;
  const lines = [
    describeProgress(summary),
    changed
      ? `advisory database is now version ${summary.version}; ${rescans} scanned artifacts queued for a rescan`
      : `nothing changed; advisory database stays at version ${summary.version ?? 'none'}`,
    ...summary.errors.map((error) => `invalid: ${error}`),
  ];
  return { output: `${lines.join('\n')}\n`, exitCode: summary.failed > 0 && summary.read === summary.failed ? 1 : 0 };
}

/** `scan PROJECT/REPOSITORY:TAG|@DIGEST [--timeout SECONDS]`: scans, waits and prints the findings. */
export async function runScan(args: string[], services: Services): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { timeout: { type: 'string' } } });
  if (positionals.length !== 1) invalidUsage('scan takes one PROJECT/REPOSITORY:TAG or PROJECT/REPOSITORY@DIGEST');
  const { repository, reference } = splitReference(positionals[0]!);
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_SCAN_TIMEOUT_SECONDS : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) invalidUsage(`invalid --timeout "${values.timeout}": give a number of seconds`);

  const artifact = await services.scan.resolve(repository, reference);
  const results = await scanAndWait(services.db.prisma, services.scan, artifact, timeoutSeconds * 1000);
  if (results.length === 0) return { output: `${positionals[0]} is not a container image or an index of images; nothing to scan\n`, exitCode: 1 };

  const failed = results.some((result) => result.jobError !== null || result.report?.status !== 'succeeded');
  const text = results.map((result) => formatResult(`${repository}@${result.digest}`, result)).join('\n');
  return { output: text, exitCode: failed ? 1 : 0 };
}

function splitReference(text: string): { repository: string; reference: string } {
  const at = text.indexOf('@');
  if (at > 0) return { repository: text.slice(0, at), reference: text.slice(at + 1) };
  const colon = text.lastIndexOf(':');
  if (colon <= text.lastIndexOf('/')) invalidUsage(`invalid reference "${text}": expected PROJECT/REPOSITORY:TAG or PROJECT/REPOSITORY@DIGEST`);
  return { repository: text.slice(0, colon), reference: text.slice(colon + 1) };
}

function formatResult(name: string, result: PlatformReport): string {
  const title = result.platform ? `${name} (${result.platform})` : name;
  const report = result.report;
  if (!report) return `${title}: scan failed: ${result.jobError ?? 'no report was stored'}\n`;
  if (report.status === 'failed') return `${title}: scan failed: ${report.error}\n`;

  const { summary } = report;
  const os = report.os as { prettyName?: string; id?: string } | null;
  const lines = [
    `${title}`,
    `  scanner ${report.scanner} ${report.scannerVersion}, advisory database version ${report.advisoryDatabaseVersion ?? 'none'}`,
    `  ${os?.prettyName ?? os?.id ?? 'unknown OS'}, ${report.packageCount} packages`,
    `  ${summary.total} vulnerabilities (${summary.fixable} fixable): Critical ${summary.Critical}, High ${summary.High}, ` +
      `Medium ${summary.Medium}, Low ${summary.Low}, Negligible ${summary.Negligible}, Unknown ${summary.Unknown}`,
  ];
  for (const finding of result.findings) {
    const ids = [finding.advisoryId, ...finding.aliases].join(' ');
    lines.push(`  ${finding.severity}\t${ids}\t${finding.packageName} ${finding.installedVersion}\tfixed in ${finding.fixedVersion ?? '(no fix)'}`);
  }
  return `${lines.join('\n')}\n`;
}
