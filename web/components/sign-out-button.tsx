'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';

/** Ends the session: the server revokes its access token, then next-auth clears the cookie. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="button small"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: '/projects' });
      }}
    >
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
