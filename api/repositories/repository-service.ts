import type { Prisma, SqlQuery } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import { isValidRepositoryName, projectOf } from '../registry/names.ts';

export interface RepositoryRef {
  id: number;
  name: string;
  projectId: number;
}

/** The NAME_UNKNOWN error for a repository that does not exist. */
export function repositoryNotFound(name: string): WharfError {
  return new WharfError('NAME_UNKNOWN', `repository "${name}" not found`, { name });
}

/** Finds repositories and creates them on first push. */
export class RepositoryService {
  constructor(
    private readonly prisma: Prisma,
    private readonly query: SqlQuery,
  ) {}

  /** Raises NAME_INVALID unless `name` follows the grammar and has a project part. */
  validateName(name: string): void {
    if (!isValidRepositoryName(name)) {
      throw new WharfError(
        'NAME_INVALID',
        `invalid repository name "${name}": use project/name with lower-case letters, digits and . _ - separators`,
        { name },
      );
    }
  }

  async find(name: string): Promise<RepositoryRef | null> {
    const rows = await this.query<RepositoryRef>('SELECT id, name, project_id AS "projectId" FROM repositories WHERE name = $1', [name]);
    return rows[0] ?? null;
  }

  /** Like `find`, but raises NAME_UNKNOWN when the repository does not exist. */
  async get(name: string): Promise<RepositoryRef> {
    const repository = await this.find(name);
    if (!repository) throw repositoryNotFound(name);
    return repository;
  }

  /** Returns the repository, creating it when its project exists; NAME_UNKNOWN names a missing project. */
  async ensure(name: string): Promise<RepositoryRef> {
    const existing = await this.find(name);
    if (existing) return existing;

    const projectName = projectOf(name);
    const project = await this.prisma.project.findUnique({ where: { name: projectName }, select: { id: true } });
    if (!project) {
      throw new WharfError('NAME_UNKNOWN', `project "${projectName}" does not exist; create it before pushing`, {
        project: projectName,
      });
    }

    await this.prisma.repository.createMany({ data: [{ name, projectId: project.id }], skipDuplicates: true });
    return this.get(name);
  }
}
