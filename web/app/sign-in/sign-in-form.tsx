'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';

const ERROR_MESSAGES: Record<string, string> = {
  CredentialsSignin: 'The username or password is wrong, or the account is disabled.',
  TooManyAttempts: 'Too many failed attempts. Wait a minute and try again.',
  ApiUnavailable: 'Wharf could not check the credentials. Try again in a moment.',
  OAuthSignin: 'Signing in with the identity provider failed to start. Try again.',
  OAuthCallback: 'The identity provider returned an error. Try again.',
  AccessDenied: 'Wharf did not accept this sign-in from the identity provider. The account may be disabled.',
  SessionRequired: 'Sign in to see this page.',
};

function describeSignInError(code: string): string {
  return ERROR_MESSAGES[code] ?? 'Signing in failed. Try again.';
}

/** Username and password form; next-auth checks them against Wharf on the server. */
export function SignInForm(props: { callbackUrl: string; initialError?: string; oidcName?: string }) {
  const router = useRouter();
  const [error, setError] = useState(props.initialError ? describeSignInError(props.initialError) : undefined);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);

    const result = await signIn('credentials', {
      redirect: false,
      username: String(form.get('username') ?? ''),
      password: String(form.get('password') ?? ''),
      callbackUrl: props.callbackUrl,
    });
    if (result?.ok && !result.error) {
      router.replace(props.callbackUrl);
      router.refresh();
      return;
    }
    setPending(false);
    setError(describeSignInError(result?.error ?? 'unknown'));
  }

  return (
    <>
      {error && (
        <div className="notice error" role="alert">
          {error}
        </div>
      )}
      <form onSubmit={submit} aria-label="Sign in">
        <div className="field">
          <label htmlFor="username">Username</label>
          <input id="username" name="username" type="text" autoComplete="username" autoCapitalize="none" required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {props.oidcName && (
        <p>
          <button type="button" className="button secondary" onClick={() => void signIn('oidc', { callbackUrl: props.callbackUrl })}>
            Sign in with {props.oidcName}
          </button>
        </p>
      )}
    </>
  );
}
