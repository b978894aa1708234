'use client';

import type { ReactNode } from 'react';
import { useFormStatus } from 'react-dom';

/** Renders a form's submit button, disabled while the form's action runs. */
export function SubmitButton(props: {
  children: ReactNode;
  pendingLabel?: string;
  variant?: 'primary' | 'secondary' | 'danger';
  small?: boolean;
  confirm?: string;
  ariaLabel?: string;
}) {
  const { pending } = useFormStatus();
  const classes = ['button', props.variant && props.variant !== 'primary' ? props.variant : '', props.small ? 'small' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="submit"
      className={classes}
      disabled={pending}
      aria-label={props.ariaLabel}
      onClick={(event) => {
        if (props.confirm && !window.confirm(props.confirm)) event.preventDefault();
      }}
    >
      {pending ? (props.pendingLabel ?? 'Working…') : props.children}
    </button>
  );
}
