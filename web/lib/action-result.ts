import { unstable_rethrow } from 'next/navigation';
import { ApiError, describeError, type ReadableError } from './errors';

/** Result of a server action for its form: success with an optional message, or a readable error. */
export type ActionResult = { ok: true; message?: string } | { ok: false; error: ReadableError };

/** Runs a server action's work and turns API errors into an ActionResult for the form. */
export async function runAction(work: () => Promise<string | undefined>): Promise<ActionResult> {
  try {
    const message = await work();
    return message === undefined ? { ok: true } : { ok: true, message };
  } catch (error) {
    // Redirects and other control flow of Next.js travel as exceptions.
    unstable_rethrow(error);
    if (!(error instanceof ApiError)) console.error('portal action failed', error);
    return { ok: false, error: describeError(error) };
  }
}

/** Reads a text field of a submitted form; missing fields read as an empty string. */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}
