'use server';

import { redirect } from 'next/navigation';
import { type ActionResult, formText, runAction } from '@/lib/action-result';
import { createProject } from '@/lib/identity';

export async function createProjectAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const name = formText(form, 'name');
  const result = await runAction(async () => {
    await createProject(name, form.get('public') === 'on');
    return undefined;
  });
  if (result.ok) redirect(`/projects/${encodeURIComponent(name)}`);
  return result;
}
