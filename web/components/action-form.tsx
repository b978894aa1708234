'use client';

import { type ReactNode, useActionState } from 'react';
import type { ActionResult } from '@/lib/action-result';
import { FormResult } from './form-result';

type FormAction = (previous: ActionResult | undefined, form: FormData) => Promise<ActionResult>;

/** Renders a form whose server action reports its outcome beside the fields. */
export function ActionForm(props: { action: FormAction; children: ReactNode; className?: string; label?: string }) {
  const [result, formAction] = useActionState(props.action, undefined);
  return (
    <form action={formAction} className={props.className} aria-label={props.label}>
      {props.children}
      <FormResult result={result} />
    </form>
  );
}
