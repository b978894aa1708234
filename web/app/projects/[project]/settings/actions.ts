'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { type ActionResult, formText, runAction } from '@/lib/action-result';
import { deleteProject, updateProject } from '@/lib/identity';
import { projectPath } from '@/lib/project-access';

export async function updateProjectAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  const isPublic = formText(form, 'access') === 'public';
  return runAction(async () => {
    await updateProject(project, isPublic);
    revalidatePath(projectPath(project), 'layout');
    return isPublic ? 'The project is now public.' : 'The project is now private.';
  });
}

export async function deleteProjectAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  const result = await runAction(async () => {
    await deleteProject(project);
    return undefined;
  });
  if (result.ok) redirect('/projects');
  return result;
}
