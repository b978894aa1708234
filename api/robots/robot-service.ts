import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';
import type { RobotGrant, RobotIdentity } from '../access/caller.ts';
import { isPermission, type Permission } from '../access/permissions.ts';
import { generateSecret, hashSecret } from '../access/secrets.ts';

export const ROBOT_PREFIX = 'robot$';
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export interface RobotRecord {
  id: number;
  name: string;
  projectId: number | null;
  description: string | null;
  grants: RobotGrant[];
  expiresAt: Date | null;
  disabled: boolean;
  createdAt: Date;
}

export interface CreateRobotInput {
  /** Short name; the full name gets the `robot$` prefix (and `project+` for a project robot). */
  name: string;
  /** Project of a project-level robot; absent for a system robot. */
  project?: string;
  description?: string | null;
  grants: RobotGrant[];
  expiresAt?: Date | null;
}

type RobotRow = {
  id: number;
  name: string;
  projectId: number | null;
  description: string | null;
  permissions: unknown;
  expiresAt: Date | null;
  disabled: boolean;
  createdAt: Date;
};

function toRecord(row: RobotRow): RobotRecord {
  const { permissions, ...rest } = row;
  return { ...rest, grants: permissions as RobotGrant[] };
}

function validateGrants(grants: RobotGrant[], project: string | undefined): RobotGrant[] {
  if (grants.length === 0) throw new WharfError('INVALID_INPUT', 'a robot account needs at least one permission');
  return grants.map((grant) => {
    if (project !== undefined && grant.project !== project) {
      throw new WharfError('INVALID_INPUT', `a robot of project ${project} can only have permissions in ${project}, not ${grant.project}`);
    }
    const unknown = grant.actions.filter((action) => !isPermission(action));
    if (unknown.length > 0) throw new WharfError('INVALID_INPUT', `unknown permission ${unknown.join(', ')}`);
    const actions = new Set<Permission>(grant.actions);
    // Pushing without pulling breaks every client, which checks blobs before uploading them.
    if (actions.has('repository:push')) actions.add('repository:pull');
    return { project: grant.project, actions: [...actions] };
  });
}

/** Robot accounts: project level (`robot$project+name`) and system level (`robot$name`). */
export class RobotService {
  constructor(private readonly prisma: Prisma) {}

  /** Creates a robot; its secret is returned here only and stored hashed. */
  async create(input: CreateRobotInput): Promise<{ robot: RobotRecord; secret: string }> {
    if (!ROBOT_NAME.test(input.name)) {
      throw new WharfError('INVALID_INPUT', `invalid robot name "${input.name}": use lower-case letters, digits and . _ -`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new WharfError('INVALID_INPUT', 'robot expiry must be in the future');

    let projectId: number | null = null;
    if (input.project !== undefined) {
      const project = await this.prisma.project.findUnique({ where: { name: input.project }, select: { id: true } });
      if (!project) throw new WharfError('NOT_FOUND', `project "${input.project}" not found`);
      projectId = project.id;
    }
    const grants = await this.#bindProjects(validateGrants(input.grants, input.project));
    const name = input.project !== undefined ? `${ROBOT_PREFIX}${input.project}+${input.name}` : `${ROBOT_PREFIX}${input.name}`;
    const secret = generateSecret('');

    try {
      const row = await this.prisma.robotAccount.create({
        data: {
          name,
          projectId,
          description: input.description ?? null,
          secretHash: hashSecret(secret),
          permissions: grants as object[],
          expiresAt: input.expiresAt ?? null,
        },
      });
      return { robot: toRecord(row), secret };
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw new WharfError('CONFLICT', `robot "${name}" already exists`);
      throw error;
    }
  }

  /**
   * Records the id of each project a grant names, as Harbor binds a robot's
   * permissions to projects: the grant then covers that project only, not a
   * later one of the same name. Raises NOT_FOUND for a project that does not exist.
   */
  async #bindProjects(grants: RobotGrant[]): Promise<RobotGrant[]> {
    const names = [...new Set(grants.map((grant) => grant.project).filter((name) => name !== '*'))];
    const projects = await this.prisma.project.findMany({ where: { name: { in: names } }, select: { id: true, name: true } });
    const ids = new Map(projects.map((project) => [project.name, project.id]));

    return grants.map((grant) => {
      if (grant.project === '*') return grant;
      const projectId = ids.get(grant.project);
      if (projectId === undefined) throw new WharfError('NOT_FOUND', `project "${grant.project}" not found; create it before granting a robot access to it`);
      return { ...grant, projectId };
    });
  }

  async get(id: number): Promise<RobotRecord> {
    const row = await this.prisma.robotAccount.findUnique({ where: { id } });
    if (!row) throw new WharfError('NOT_FOUND', `robot account ${id} not found`);
    return toRecord(row);
  }

  async list(projectId: number | null): Promise<RobotRecord[]> {
    const rows = await this.prisma.robotAccount.findMany({ where: { projectId }, orderBy: { name: 'asc' } });
    return rows.map(toRecord);
  }

  /** Robots of each of these projects, ordered by name. */
  async listForProjects(projectIds: readonly number[]): Promise<RobotRecord[]> {
    const rows = await this.prisma.robotAccount.findMany({ where: { projectId: { in: [...projectIds] } }, orderBy: { name: 'asc' } });
    return rows.map(toRecord);
  }

  async setDisabled(id: number, disabled: boolean): Promise<RobotRecord> {
    await this.get(id);
    return toRecord(await this.prisma.robotAccount.update({ where: { id }, data: { disabled } }));
  }

  /** Replaces the secret; the old one stops working at once. */
  async refreshSecret(id: number): Promise<{ robot: RobotRecord; secret: string }> {
    await this.get(id);
    const secret = generateSecret('');
    const row = await this.prisma.robotAccount.update({ where: { id }, data: { secretHash: hashSecret(secret) } });
    return { robot: toRecord(row), secret };
  }

  async delete(id: number): Promise<RobotRecord> {
    const robot = await this.get(id);
    await this.prisma.robotAccount.delete({ where: { id } });
    return robot;
  }

  /** Returns the robot when `secret` is its current secret and it is enabled and not expired. */
  async authenticate(name: string, secret: string): Promise<RobotIdentity | undefined> {
    const row = await this.prisma.robotAccount.findUnique({ where: { secretHash: hashSecret(secret) } });
    if (!row || row.name !== name) return undefined;
    return this.#active(row);
  }

  /** The robot with this id while it is enabled and not expired, for callers identified by a token. */
  async findActive(id: number): Promise<RobotIdentity | undefined> {
    const row = await this.prisma.robotAccount.findUnique({ where: { id } });
    return row ? this.#active(row) : undefined;
  }

  #active(row: RobotRow): RobotIdentity | undefined {
    if (row.disabled || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    return { id: row.id, name: row.name, projectId: row.projectId, grants: row.permissions as RobotGrant[] };
  }
}
