'use server';

import { revalidatePath } from 'next/cache';
import { type ActionResult, formText, runAction } from '@/lib/action-result';
import { addMember, removeMember, updateMember } from '@/lib/identity';
import { projectPath } from '@/lib/project-access';

export async function addMemberAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  const username = formText(form, 'username');
  const role = formText(form, 'role');
  return runAction(async () => {
    await addMember(project, username, role);
    revalidatePath(projectPath(project, 'members'));
    return `Added ${username}.`;
  });
}

export async function updateMemberAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  const username = formText(form, 'username');
  return runAction(async () => {
    await updateMember(project, username, formText(form, 'role'));
    revalidatePath(projectPath(project, 'members'));
    return 'Role changed.';
  });
}

export async function removeMemberAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const project = formText(form, 'project');
  const username = formText(form, 'username');
  return runAction(async () => {
    await removeMember(project, username);
    revalidatePath(projectPath(project, 'members'));
    return undefined;
  });
}
