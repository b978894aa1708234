import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { OIDC_PROVIDER_NAME } from '@/lib/auth';
import { getViewer } from '@/lib/session';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

/** Accepts only paths on this site, so the form cannot be used to send people elsewhere. */
function safeCallbackUrl(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/projects';
  return path;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getViewer()) redirect(callbackUrl);

  const error = typeof params.error === 'string' ? params.error : undefined;
  return (
    <div className="sign-in">
      <div className="panel">
        <h1>Sign in to Wharf</h1>
        <p className="muted">Use your Wharf username and password, or a personal access token in place of the password.</p>
        <SignInForm callbackUrl={callbackUrl} initialError={error} oidcName={OIDC_PROVIDER_NAME} />
      </div>
      <p className="muted">Public projects can be browsed without signing in.</p>
    </div>
  );
}
