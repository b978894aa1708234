import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import type { RepositoryRef } from '../repositories/repository-service.ts';
import { repositoryPath, selects } from '../retention/selectors.ts';

export interface ImmutableRuleInput {
  repositoryPattern: string;
  repositoryExclude?: boolean;
  tagPattern: string;
  tagExclude?: boolean;
}

/** Harbor allows this many immutable tag rules per project. */
const MAX_RULES_PER_PROJECT = 15;

/** Immutable tag rules: a matching tag cannot be moved to another manifest or deleted. */
export class ImmutabilityService {
  constructor(private readonly prisma: Prisma) {}

  async isImmutable(repository: RepositoryRef, tag: string): Promise<boolean> {
    const rules = await this.prisma.immutableTagRule.findMany({ where: { projectId: repository.projectId } });
    const path = repositoryPath(repository.name);
    return rules.some(
      (rule) =>
        selects({ pattern: rule.repositoryPattern, exclude: rule.repositoryExclude }, path) &&
        selects({ pattern: rule.tagPattern, exclude: rule.tagExclude }, tag),
    );
  }

  async list(projectId: number) {
    return this.prisma.immutableTagRule.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
  }

  async add(projectId: number, input: ImmutableRuleInput) {
    if (input.repositoryPattern.trim() === '' || input.tagPattern.trim() === '') {
      throw new WharfError('INVALID_INPUT', 'repository and tag patterns must not be empty; use ** to match everything');
    }
    const count = await this.prisma.immutableTagRule.count({ where: { projectId } });
    if (count >= MAX_RULES_PER_PROJECT) throw new WharfError('INVALID_INPUT', `a project has at most ${MAX_RULES_PER_PROJECT} immutable tag rules`);

    return this.prisma.immutableTagRule.create({
      data: {
        projectId,
        repositoryPattern: input.repositoryPattern,
        repositoryExclude: input.repositoryExclude ?? false,
        tagPattern: input.tagPattern,
        tagExclude: input.tagExclude ?? false,
      },
    });
  }

  async remove(projectId: number, ruleId: number): Promise<void> {
    const result = await this.prisma.immutableTagRule.deleteMany({ where: { id: ruleId, projectId } });
    if (result.count === 0) throw new WharfError('NOT_FOUND', `immutable tag rule ${ruleId} not found in this project`);
  }
}
