'use server';

import { revalidatePath } from 'next/cache';
import { type ActionResult, formText, runAction } from '@/lib/action-result';
import { createUser, deleteUser, updateUser } from '@/lib/identity';

export async function createUserAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const username = formText(form, 'username');
  return runAction(async () => {
    await createUser({
      username,
      password: String(form.get('password') ?? ''),
      email: formText(form, 'email') || null,
      isAdmin: form.get('isAdmin') === 'on',
    });
    revalidatePath('/admin/users');
    return `Created user ${username}.`;
  });
}

/** Sets one flag (`isAdmin` or `disabled`) of a user, named by the form's `field` and `value`. */
export async function updateUserAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  const field = formText(form, 'field');
  const value = formText(form, 'value') === 'true';
  return runAction(async () => {
    if (field !== 'isAdmin' && field !== 'disabled') throw new Error(`unknown user field ${field}`);
    await updateUser(formText(form, 'username'), { [field]: value });
    revalidatePath('/admin/users');
    return undefined;
  });
}

export async function deleteUserAction(_previous: ActionResult | undefined, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await deleteUser(formText(form, 'username'));
    revalidatePath('/admin/users');
    return undefined;
  });
}
