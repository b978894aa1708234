'use client';

import { useEffect } from 'react';

/** Shown when rendering a page failed in a way its own error states did not catch. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    // The server log has the full error under this digest; the page shows only the digest.
    console.warn('page failed to render', error.digest);
  }, [error]);

  return (
    <div className="state error" role="alert">
      <h2>This page could not be shown</h2>
      <p>
        Wharf failed to render it. Try again; if it keeps failing, give the administrator this reference:{' '}
        <code>{error.digest ?? 'none'}</code>.
      </p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
