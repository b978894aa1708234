import type { Logger } from 'pino';
import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import type { ImmutabilityService } from '../immutability/immutability-service.ts';
import type { ManifestService } from '../manifests/manifest-service.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import { repositoryPath, selects } from './selectors.ts';

/** Rule kinds: the way a rule picks the tags it keeps among those its selectors match. */
export const RETENTION_KINDS = ['latestPushed', 'latestPulled', 'pushedWithinDays', 'pulledWithinDays', 'always'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionRuleInput {
  repositoryPattern: string;
  repositoryExclude?: boolean;
  tagPattern: string;
  tagExclude?: boolean;
  kind: RetentionKind;
  /** Count for latestPushed/latestPulled, or days for the *WithinDays kinds. Ignored for always. */
  value?: number;
}

interface TagRow {
  tag: string;
  digest: string;
  repository: string;
  repositoryId: number;
  pushedAt: Date;
  pulledAt: Date | null;
}

export interface RetentionResult {
  project: string;
  dryRun: boolean;
  /** Artifacts (repository@digest with their tags) deleted, or that would be. */
  deleted: { repository: string; digest: string; tags: string[] }[];
  retainedTags: number;
  /** Artifacts kept because one of their tags is immutable. */
  keptImmutable: string[];
}

/** Harbor allows this many retention rules per project. */
const MAX_RULES_PER_PROJECT = 15;
const DAY_MS = 24 * 3600 * 1000;

function isKind(kind: string): kind is RetentionKind {
  return (RETENTION_KINDS as readonly string[]).includes(kind);
}

/**
 * Tag retention. Rules combine with OR: a tag is retained when any rule keeps
 * it. Only repositories that some rule's repository selector matches are
 * considered, and deletion is per artifact: an artifact goes when none of its
 * tags is retained, unless one of them is immutable.
 */
export class RetentionService {
  /** Called after each artifact a run deleted, for the audit log. */
  onArtifactDeleted: (deleted: { projectId: number; repository: string; digest: string; tags: string[] }) => void = () => {};

  constructor(
    private readonly prisma: Prisma,
    private readonly manifests: ManifestService,
    private readonly immutability: ImmutabilityService,
    private readonly logger: Logger,
  ) {}

  async listRules(projectId: number) {
    return this.prisma.retentionRule.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
  }

  async addRule(projectId: number, input: RetentionRuleInput) {
    if (!isKind(input.kind)) throw new WharfError('INVALID_INPUT', `unknown retention kind "${input.kind}"; use one of ${RETENTION_KINDS.join(', ')}`);
    const value = input.value ?? 0;
    if (input.kind !== 'always' && (!Number.isInteger(value) || value < 1)) {
      throw new WharfError('INVALID_INPUT', `retention rule ${input.kind} needs a positive whole value`);
    }
    if (input.repositoryPattern.trim() === '' || input.tagPattern.trim() === '') {
      throw new WharfError('INVALID_INPUT', 'repository and tag patterns must not be empty; use ** to match everything');
    }
    if ((await this.prisma.retentionRule.count({ where: { projectId } })) >= MAX_RULES_PER_PROJECT) {
      throw new WharfError('INVALID_INPUT', `a project has at most ${MAX_RULES_PER_PROJECT} retention rules`);
    }
    return this.prisma.retentionRule.create({
      data: {
        projectId,
        repositoryPattern: input.repositoryPattern,
        repositoryExclude: input.repositoryExclude ?? false,
        tagPattern: input.tagPattern,
        tagExclude: input.tagExclude ?? false,
        kind: input.kind,
        value,
      },
    });
  }

  async removeRule(projectId: number, ruleId: number): Promise<void> {
    const result = await this.prisma.retentionRule.deleteMany({ where: { id: ruleId, projectId } });
    if (result.count === 0) throw new WharfError('NOT_FOUND', `retention rule ${ruleId} not found in this project`);
  }

  /** Applies the project's rules, or with `dryRun` only reports what would be deleted. */
  async run(projectName: string, dryRun: boolean, now = new Date()): Promise<RetentionResult> {
    const project = await this.prisma.project.findUnique({ where: { name: projectName }, include: { retention: true } });
    if (!project) throw new WharfError('NOT_FOUND', `project "${projectName}" not found`);
    const result: RetentionResult = { project: projectName, dryRun, deleted: [], retainedTags: 0, keptImmutable: [] };
    if (project.retention.length === 0) return result;

    const rows = await this.prisma.tag.findMany({
      where: { repository: { projectId: project.id } },
      select: { name: true, pushedAt: true, pulledAt: true, repositoryId: true, artifact: { select: { digest: true } }, repository: { select: { name: true } } },
    });
    const tags: TagRow[] = rows.map((row) => ({
      tag: row.name,
      digest: row.artifact.digest,
      repository: row.repository.name,
      repositoryId: row.repositoryId,
      pushedAt: row.pushedAt,
      pulledAt: row.pulledAt,
    }));

    const inScope = tags.filter((tag) => project.retention.some((rule) => selects({ pattern: rule.repositoryPattern, exclude: rule.repositoryExclude }, repositoryPath(tag.repository))));
    const retained = new Set<TagRow>();
    for (const rule of project.retention) {
      for (const tag of keptByRule(rule, inScope, now)) retained.add(tag);
    }
    result.retainedTags = retained.size;

    await this.#deleteUnretained(project.id, inScope, retained, dryRun, result);
    this.logger.info({ project: projectName, dryRun, deleted: result.deleted.length }, 'tag retention finished');
    return result;
  }

  async #deleteUnretained(projectId: number, inScope: TagRow[], retained: Set<TagRow>, dryRun: boolean, result: RetentionResult): Promise<void> {
    const byArtifact = new Map<string, TagRow[]>();
    for (const tag of inScope) {
      const key = `${tag.repositoryId}@${tag.digest}`;
      byArtifact.set(key, [...(byArtifact.get(key) ?? []), tag]);
    }

    for (const artifactTags of byArtifact.values()) {
      if (artifactTags.some((tag) => retained.has(tag))) continue;
      const first = artifactTags[0]!;
      const repository = { id: first.repositoryId, name: first.repository, projectId };
      const immutable = await Promise.all(artifactTags.map((tag) => this.immutability.isImmutable(repository, tag.tag)));
      if (immutable.some(Boolean)) {
        result.keptImmutable.push(`${first.repository}@${first.digest}`);
        continue;
      }

      const deleted = { repository: first.repository, digest: first.digest, tags: artifactTags.map((tag) => tag.tag).sort() };
      result.deleted.push(deleted);
      if (dryRun) continue;
      await this.#deleteOrUntag(repository, deleted.digest, deleted.tags);
      this.onArtifactDeleted({ projectId, ...deleted });
    }
  }

  /** Deletes the artifact, or only its tags while an index still lists it. */
  async #deleteOrUntag(repository: RepositoryRef, digest: string, tags: string[]): Promise<void> {
    try {
      await this.manifests.deleteArtifact(repository, digest);
    } catch (error) {
      if (!(error instanceof WharfError && error.code === 'UNSUPPORTED')) throw error;
      for (const tag of tags) await this.manifests.delete(repository, tag);
    }
  }
}

type RuleRow = { repositoryPattern: string; repositoryExclude: boolean; tagPattern: string; tagExclude: boolean; kind: string; value: number };

/** The tags one rule keeps among the in-scope tags. */
function keptByRule(rule: RuleRow, tags: TagRow[], now: Date): TagRow[] {
  const matching = tags.filter(
    (tag) =>
      selects({ pattern: rule.repositoryPattern, exclude: rule.repositoryExclude }, repositoryPath(tag.repository)) &&
      selects({ pattern: rule.tagPattern, exclude: rule.tagExclude }, tag.tag),
  );
  const kind = rule.kind as RetentionKind;

  switch (kind) {
    case 'always':
      return matching;
    case 'latestPushed':
      return newestPerRepository(matching, (tag) => tag.pushedAt.getTime(), rule.value);
    case 'latestPulled':
      return newestPerRepository(matching, (tag) => tag.pulledAt?.getTime() ?? 0, rule.value);
    case 'pushedWithinDays':
      return matching.filter((tag) => now.getTime() - tag.pushedAt.getTime() <= rule.value * DAY_MS);
    case 'pulledWithinDays':
      return matching.filter((tag) => tag.pulledAt !== null && now.getTime() - tag.pulledAt.getTime() <= rule.value * DAY_MS);
    default: {
      const unknown: never = kind;
      throw new Error(`unknown retention kind ${String(unknown)}`);
    }
  }
}

/** The `count` tags with the highest `time` in each repository (ties broken by tag name). */
function newestPerRepository(tags: TagRow[], time: (tag: TagRow) => number, count: number): TagRow[] {
  const byRepository = new Map<string, TagRow[]>();
  for (const tag of tags) byRepository.set(tag.repository, [...(byRepository.get(tag.repository) ?? []), tag]);
  return [...byRepository.values()].flatMap((group) =>
    group.sort((a, b) => time(b) - time(a) || a.tag.localeCompare(b.tag)).slice(0, count),
  );
}
