import type { Prisma } from '../db/client.ts';
import type { Prisma as PrismaTypes } from '../db/generated/client.ts';
import { WharfError } from '../errors/catalog.ts';
import type { QuotaService } from '../quota/quota-service.ts';

/** Project names as Harbor allows them: lower case, digits and `._-`, 1 to 255 characters. */
const PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export interface ProjectSummary {
  id: number;
  name: string;
  public: boolean;
  createdAt: Date;
}

export function validateProjectName(name: string): void {
  if (name.length < 1 || name.length > 255 || !PROJECT_NAME.test(name)) {
    throw new WharfError(
      'INVALID_INPUT',
      `invalid project name "${name}": use 1 to 255 lower-case letters, digits and . _ - (not at either end)`,
    );
  }
}

/**
 * Creates, finds and lists projects. Every new project gets the system default
 * storage limit in force at its creation. Changing the default later does not
 * change existing projects.
 */
export class ProjectService {
  constructor(
    private readonly prisma: Prisma,
    private readonly quota: Pick<QuotaService, 'defaultLimit'>,
  ) {}

  async create(name: string, options: { public: boolean }): Promise<ProjectSummary> {
    validateProjectName(name);
    const storageLimit = BigInt(await this.quota.defaultLimit());
    try {
      return await this.prisma.project.create({ data: { name, public: options.public, storageLimit } });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') {
        throw new WharfError('CONFLICT', `project "${name}" already exists`);
      }
      throw error;
    }
  }

  /** Creates the project unless it exists, and returns whether it was created. */
  async ensure(name: string, options: { public: boolean }): Promise<boolean> {
    const storageLimit = BigInt(await this.quota.defaultLimit());
    const result = await this.prisma.project.createMany({ data: [{ name, public: options.public, storageLimit }], skipDuplicates: true });
    return result.count === 1;
  }

  async update(name: string, changes: { public?: boolean }): Promise<ProjectSummary> {
    await this.get(name);
    return this.prisma.project.update({ where: { name }, data: changes });
  }

  /**
   * Deletes an empty project with its members and robots. Raises CONFLICT while
   * it contains artifacts, with the number of repositories that still have some.
   */
  async delete(name: string): Promise<ProjectSummary> {
    const project = await this.get(name);
    const occupied = await this.prisma.repository.count({ where: { projectId: project.id, artifacts: { some: {} } } });
    if (occupied > 0) {
      throw new WharfError('CONFLICT', `project "${name}" still holds artifacts in ${occupied} repositories; delete them first`);
    }
    for (const check of this.deleteChecks) await check(project);
    await this.prisma.project.delete({ where: { id: project.id } });
    return project;
  }

  /** Extra checks before deleting a project, such as "no charts left". Each raises to reject the delete. */
  readonly deleteChecks: ((project: ProjectSummary) => Promise<void>)[] = [];

  async get(name: string): Promise<ProjectSummary> {
    const project = await this.findByName(name);
    if (!project) throw new WharfError('NOT_FOUND', `project "${name}" not found`);
    return project;
  }

  async findByName(name: string): Promise<ProjectSummary | null> {
    return this.prisma.project.findUnique({ where: { name } });
  }

  async list(): Promise<ProjectSummary[]> {
    return this.prisma.project.findMany({ orderBy: { name: 'asc' } });
  }

  /**
   * One page of projects ordered by name, starting after the name `after`
   * (keyset pagination), limited to `names` unless it is 'all', and to names
   * containing `search` (ignoring case) when it is set.
   */
  async listPage(options: { names: 'all' | readonly string[]; after?: string; limit: number; search?: string }): Promise<ProjectSummary[]> {
    return this.prisma.project.findMany({
      where: {
        name: {
          ...projectNameFilter(options.names, options.search),
          ...(options.after !== undefined ? { gt: options.after } : {}),
        },
      },
      orderBy: { name: 'asc' },
      take: options.limit,
      select: { id: true, name: true, public: true, createdAt: true },
    });
  }

  /** Number of projects, or of those among `names` that exist, containing `search` when it is set. */
  async count(names: 'all' | readonly string[], search?: string): Promise<number> {
    return this.prisma.project.count({ where: { name: projectNameFilter(names, search) } });
  }

  /** Finds the projects with these ids, leaving out ids without a project. */
  async getMany(ids: readonly number[]): Promise<ProjectSummary[]> {
    return this.prisma.project.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, public: true, createdAt: true } });
  }
}

/**
 * Name condition shared by a page and its count: among `names` unless 'all',
 * and containing `search` ignoring case.
 */
function projectNameFilter(names: 'all' | readonly string[], search: string | undefined): PrismaTypes.StringFilter<'Project'> {
  return {
    ...(names === 'all' ? {} : { in: [...names] }),
    ...(search ? { contains: escapeLikePattern(search), mode: 'insensitive' as const } : {}),
  };
}

/**
 * Escapes `\`, `%` and `_` for a Prisma `contains` filter. Prisma passes the text
 * into ILIKE unchanged, so `_` and `%` would match any character. A backslash
 * (PostgreSQL's default LIKE escape) makes them literal.
 */
function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
