'use server';

import { revalidatePath } from 'next/cache';
import { type ActionResult, formText, runAction } from './action-result';
import { describeError } from './errors';
import { createRobot, deleteRobot, setRobotDisabled } from './identity';
import { projectPath } from './project-access';
import { ROBOT_PERMISSIONS } from './robot-permissions';

/** The outcome of creating a robot: its full name and secret, which are shown this once. */
export type CreateRobotResult = ActionResult | { ok: true; robotName: string; secret: string };

function robotsPath(project: string): string {
  return project ? projectPath(project, 'robots') : '/admin/robots';
}

/** Reads the expiry date field (YYYY-MM-DD) as the end of that day in UTC; empty means never. */
function parseExpiry(value: string): string | null {
  if (!value) return null;
  const date = new Date(`${value}T23:59:59Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Creates a project robot (form field `project`) or a system robot (field
 * `projects`, a comma-separated list of the projects it may act in).
 */
export async function createRobotAction(_previous: CreateRobotResult | undefined, form: FormData): Promise<CreateRobotResult> {
  const project = formText(form, 'project');
  const actions = form.getAll('permission').filter((value): value is string => typeof value === 'string');
  const known = new Set(ROBOT_PERMISSIONS.map((permission) => permission.value));
  const grantedActions = actions.filter((action) => known.has(action));
  const projects = project
    ? [project]
    : formText(form, 'projects')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);

  try {
    const created = await createRobot({
      ...(project ? { project } : {}),
      name: formText(form, 'name'),
      description: formText(form, 'description') || null,
      grants: projects.map((name) => ({ project: name, actions: grantedActions })),
      expiresAt: parseExpiry(formText(form, 'expires')),
    });
    revalidatePath(robotsPath(project));
    return { ok: true, robotName: created.robot.name, secret: created.secret };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

export async function setRobotDisabledAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  const disable = formText(form, 'disabled') === 'true';
  return runAction(async () => {
    await setRobotDisabled(Number(formText(form, 'id')), disable);
    revalidatePath(robotsPath(project));
    return undefined;
  });
}

export async function deleteRobotAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  return runAction(async () => {
    await deleteRobot(Number(formText(form, 'id')));
    revalidatePath(robotsPath(project));
    return undefined;
  });
}
