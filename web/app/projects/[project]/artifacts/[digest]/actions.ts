'use server';

import { revalidatePath } from 'next/cache';
import { type ActionResult, formText, runAction } from '@/lib/action-result';
import { scanArtifact } from '@/lib/catalog';

export async function scanArtifactAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const repository = formText(form, 'repository');
  const reference = formText(form, 'reference');
  return runAction(async () => {
    const status = await scanArtifact(repository, reference);
    revalidatePath('/projects/[project]/artifacts/[digest]', 'page');
    return `Scan ${status}. Reload the page to see the results when it has finished.`;
  });
}
