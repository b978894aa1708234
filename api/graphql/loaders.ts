import DataLoader from 'dataloader';
import type { Caller } from '../access/caller.ts';
import type { ProjectRole } from '../access/permissions.ts';
import { isProjectRole } from '../access/permissions.ts';
import type { Services } from '../app/services.ts';
import type { CatalogReaders } from '../catalog/index.ts';
import type { LabelService } from '../labels/label-service.ts';
import type { MemberRecord } from '../members/member-service.ts';
import type { ProjectSummary } from '../projects/project-service.ts';
import type { RobotRecord } from '../robots/robot-service.ts';
import type { UserRecord } from '../users/user-service.ts';
import { type CatalogLoaders, createCatalogLoaders } from './catalog-loaders.ts';

/**
 * Batched lookups for one request, so that a page of projects with their
 * members, robots and the caller's role costs one query per kind of data
 * instead of one per project. A new set is made for every request, so nothing
 * cached here outlives it or leaks between callers.
 */
export interface Loaders {
  projectById: DataLoader<number, ProjectSummary | undefined>;
  userById: DataLoader<number, UserRecord | undefined>;
  /** The caller's own role per project id; undefined for non-members and for callers who are not users. */
  callerRole: DataLoader<number, ProjectRole | undefined>;
  membersByProject: DataLoader<number, MemberRecord[]>;
  robotsByProject: DataLoader<number, RobotRecord[]>;
  /** Repositories, artifacts, tags, charts and figures (catalog-loaders.ts). */
  catalog: CatalogLoaders;
}

export function createLoaders(services: Services, caller: Caller, catalog: CatalogReaders, labels: LabelService): Loaders {
  return {
    catalog: createCatalogLoaders(catalog, labels, services.db.prisma),

    projectById: new DataLoader(async (ids) => {
      const projects = await services.projects.getMany(ids);
      const byId = new Map(projects.map((project) => [project.id, project]));
      return ids.map((id) => byId.get(id));
    }),

    userById: new DataLoader(async (ids) => {
      const users = await services.users.getMany(ids);
      const byId = new Map(users.map((user) => [user.id, user]));
      return ids.map((id) => byId.get(id));
    }),

    callerRole: new DataLoader(async (projectIds) => {
      if (caller.kind !== 'user') return projectIds.map(() => undefined);
      const rows = await services.members.findRoles(projectIds.map((projectId) => ({ projectId, userId: caller.user.id })));
      const byProject = new Map(rows.map((row) => [row.projectId, row.role]));
      return projectIds.map((id) => {
        const role = byProject.get(id);
        return role !== undefined && isProjectRole(role) ? role : undefined;
      });
    }),

    membersByProject: new DataLoader(async (projectIds) => {
      const members = await services.members.listForProjects(projectIds);
      return projectIds.map((id) => members.filter((member) => member.projectId === id));
    }),

    robotsByProject: new DataLoader(async (projectIds) => {
      const robots = await services.robots.listForProjects(projectIds);
      return projectIds.map((id) => robots.filter((robot) => robot.projectId === id));
    }),
  };
}
