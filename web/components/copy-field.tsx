'use client';

import { useId, useState } from 'react';

/** Renders a read-only value, such as a pull command or a secret, with a button that copies it. */
export function CopyField(props: { label: string; value: string; hideLabel?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('copied');
    } catch {
      // Clipboard access needs a secure context; the field stays selectable by hand.
      setCopied('failed');
    }
  }

  return (
    <div className="field">
      <label htmlFor={id} className={props.hideLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <div className="copy-field">
        <input id={id} type="text" readOnly value={props.value} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" className="button secondary small" onClick={copy}>
          Copy
        </button>
      </div>
      <span aria-live="polite" className="hint">
        {copied === 'copied' && 'Copied.'}
        {copied === 'failed' && 'Copying is blocked here; select the text and copy it by hand.'}
      </span>
    </div>
  );
}
