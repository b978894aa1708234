import { parseArgs } from 'node:util';
import type { Services } from '../../app/services.ts';
import { DEFAULT_GC_GRACE_SECONDS } from '../../gc/gc-service.ts';
import { parseDuration } from '../../gc/durations.ts';
import { formatSize, parseSize } from '../../quota/sizes.ts';
import { RETENTION_KINDS, type RetentionKind } from '../../retention/retention-service.ts';
import { WharfError } from '../../errors/catalog.ts';
import type { CommandResult } from './index.ts';

function ok(output: string): CommandResult {
  return { output, exitCode: 0 };
}

function invalidUsage(message: string): never {
  throw new WharfError('INVALID_INPUT', message);
}

/** Command-line options that select repositories and tags, shared by retention and immutable tag rules. */
const SELECTOR_OPTIONS = {
  repo: { type: 'string', default: '**' },
  'exclude-repo': { type: 'boolean', default: false },
  tag: { type: 'string', default: '**' },
  'exclude-tag': { type: 'boolean', default: false },
} as const;

interface SelectorValues {
  repo?: string;
  'exclude-repo'?: boolean;
  tag?: string;
  'exclude-tag'?: boolean;
}

/** Converts parsed selector options into a rule's pattern fields. */
function selectorsOf(values: SelectorValues) {
  return {
    repositoryPattern: values.repo ?? '**',
    repositoryExclude: values['exclude-repo'] ?? false,
    tagPattern: values.tag ?? '**',
    tagExclude: values['exclude-tag'] ?? false,
  };
}

/** Formats a rule's patterns as `repo [not ]PATTERN<tab>tag [not ]PATTERN`. */
function describeSelectors(rule: ReturnType<typeof selectorsOf>): string {
  return `repo ${rule.repositoryExclude ? 'not ' : ''}${rule.repositoryPattern}\ttag ${rule.tagExclude ? 'not ' : ''}${rule.tagPattern}`;
}

/** `quota set PROJECT SIZE`, `quota show PROJECT`, `quota default SIZE`, `quota verify [--fix]`. */
export async function runQuota(args: string[], services: Services): Promise<CommandResult> {
  const [action, ...rest] = args;
  switch (action) {
    case 'set': {
      const [project, size] = rest;
      if (!project || size === undefined) invalidUsage('quota set takes PROJECT and SIZE, e.g. quota set team 50MiB (-1 for unlimited)');
      const limits = await services.quota.setLimit(project, parseSize(size));
      return ok(`project ${limits.project}: limit ${formatSize(limits.limit)}, used ${formatSize(limits.used)}\n`);
    }
    case 'show': {
      const [project] = rest;
      if (!project) invalidUsage('quota show takes PROJECT');
      const current = await services.quota.usage(project);
      return ok(`project ${current.project}: limit ${formatSize(current.limit)}, used ${formatSize(current.used)} (${current.used} bytes)\n`);
    }
    case 'default': {
      const [size] = rest;
      if (size === undefined) invalidUsage('quota default takes SIZE, the limit of new projects (-1 for unlimited)');
      await services.quota.setDefaultLimit(parseSize(size));
      return ok(`new projects get a storage limit of ${formatSize(parseSize(size))}\n`);
    }
    case 'verify': {
      const { values } = parseArgs({ args: rest, options: { fix: { type: 'boolean', default: false } } });
      const drift = await services.quota.verify(values.fix ?? false);
      if (drift.length === 0) return ok('usage of every project matches its content\n');
      const lines = drift.map((entry) => `${entry.project}: recorded ${entry.recorded} bytes, actual ${entry.actual} bytes${values.fix ? ' (fixed)' : ''}`);
      return { output: `${lines.join('\n')}\n`, exitCode: values.fix ? 0 : 1 };
    }
    default:
      return invalidUsage(`unknown quota command "${action ?? ''}"; use set, show, default or verify`);
  }
}

/** `gc [--dry-run] [--delete-untagged] [--grace DURATION]`. */
export async function runGc(args: string[], services: Services): Promise<CommandResult> {
  const { values } = parseArgs({
    args,
    options: { 'dry-run': { type: 'boolean', default: false }, 'delete-untagged': { type: 'boolean', default: false }, grace: { type: 'string' } },
  });
  const report = await services.gc.run({
    dryRun: values['dry-run'] ?? false,
    deleteUntagged: values['delete-untagged'] ?? false,
    graceSeconds: values.grace !== undefined ? parseDuration(values.grace) : DEFAULT_GC_GRACE_SECONDS,
    trigger: 'cli',
  });

  const verb = report.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `garbage collection run ${report.runId}${report.dryRun ? ' (dry run)' : ''}`,
    `untagged artifacts ${verb}: ${report.artifactsDeleted}`,
    `blobs ${verb}: ${report.dryRun ? report.candidates.length : report.blobsDeleted} (${formatSize(report.bytesFreed)}, ${report.bytesFreed} bytes)`,
    `storage files without a database row ${report.dryRun ? 'found' : 'removed'}: ${report.orphanFiles}`,
    ...report.candidates.map((candidate) => `  ${candidate.digest} ${candidate.size}`),
  ];
  return ok(`${lines.join('\n')}\n`);
}

/** `retention add PROJECT ...`, `retention list PROJECT`, `retention remove PROJECT ID`, `retention run PROJECT [--dry-run]`. */
export async function runRetention(args: string[], services: Services): Promise<CommandResult> {
  const [action, project, ...rest] = args;
  if (!project) invalidUsage('retention commands take a PROJECT: retention add|list|remove|run PROJECT ...');
  const projectId = (await services.projects.get(project)).id;

  switch (action) {
    case 'add': {
      const { values } = parseArgs({
        args: rest,
        options: { ...SELECTOR_OPTIONS, kind: { type: 'string' }, value: { type: 'string', default: '0' } },
      });
      if (!values.kind) invalidUsage(`retention add needs --kind, one of ${RETENTION_KINDS.join(', ')}`);
      const rule = await services.retention.addRule(projectId, {
        ...selectorsOf(values),
        kind: values.kind as RetentionKind,
        value: Number(values.value),
      });
      return ok(`added retention rule ${rule.id}\n`);
    }
    case 'list': {
      const rules = await services.retention.listRules(projectId);
      const lines = rules.map((rule) => `${rule.id}\t${describeSelectors(rule)}\t${rule.kind} ${rule.value}`);
      return ok(lines.length > 0 ? `${lines.join('\n')}\n` : 'no retention rules\n');
    }
    case 'remove': {
      await services.retention.removeRule(projectId, Number(rest[0]));
      return ok(`removed retention rule ${rest[0]}\n`);
    }
    case 'run': {
      const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean', default: false } } });
      const result = await services.retention.run(project, values['dry-run'] ?? false);
      const verb = result.dryRun ? 'would delete' : 'deleted';
      const lines = [
        `${verb} ${result.deleted.length} artifacts; ${result.retainedTags} tags retained`,
        ...result.deleted.map((entry) => `  ${entry.repository}@${entry.digest} (${entry.tags.join(', ')})`),
        ...result.keptImmutable.map((entry) => `  kept, immutable tag: ${entry}`),
      ];
      return ok(`${lines.join('\n')}\n`);
    }
    default:
      return invalidUsage(`unknown retention command "${action ?? ''}"; use add, list, remove or run`);
  }
}

/** `immutable add PROJECT --repo PATTERN --tag PATTERN`, `immutable list PROJECT`, `immutable remove PROJECT ID`. */
export async function runImmutable(args: string[], services: Services): Promise<CommandResult> {
  const [action, project, ...rest] = args;
  if (!project) invalidUsage('immutable commands take a PROJECT: immutable add|list|remove PROJECT ...');
  const projectId = (await services.projects.get(project)).id;

  switch (action) {
    case 'add': {
      const { values } = parseArgs({ args: rest, options: SELECTOR_OPTIONS });
      const rule = await services.immutability.add(projectId, selectorsOf(values));
      return ok(`added immutable tag rule ${rule.id}\n`);
    }
    case 'list': {
      const rules = await services.immutability.list(projectId);
      const lines = rules.map((rule) => `${rule.id}\t${describeSelectors(rule)}`);
      return ok(lines.length > 0 ? `${lines.join('\n')}\n` : 'no immutable tag rules\n');
    }
    case 'remove': {
      await services.immutability.remove(projectId, Number(rest[0]));
      return ok(`removed immutable tag rule ${rest[0]}\n`);
    }
    default:
      return invalidUsage(`unknown immutable command "${action ?? ''}"; use add, list or remove`);
  }
}
