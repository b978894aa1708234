import type { ProjectDetail } from './identity';
import type { Viewer } from './session';

/**
 * Returns whether the portal offers project administration (members, robots, audit log,
 * settings) to the viewer. It only hides controls: the API checks every change.
 */
export function canAdministerProject(project: ProjectDetail, viewer: Viewer | undefined): boolean {
  return Boolean(viewer?.isAdmin || project.myRole === 'projectAdmin');
}

/** Returns whether the viewer may see the member and robot lists (guests and above, like the API). */
export function canSeeProjectAccounts(project: ProjectDetail, viewer: Viewer | undefined): boolean {
  return Boolean(viewer?.isAdmin || (project.myRole !== null && project.myRole !== 'limitedGuest'));
}

export function projectPath(project: string, section?: string): string {
  const base = `/projects/${encodeURIComponent(project)}`;
  return section ? `${base}/${section}` : base;
}
