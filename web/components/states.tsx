import Link from 'next/link';
import type { ReactNode } from 'react';
import type { ReadableError } from '@/lib/errors';

/** Renders the state of a list with no entries, with the reason and what the reader can do about it. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state" role="status">
      <h3>{props.title}</h3>
      {props.children && <p>{props.children}</p>}
      {props.action}
    </div>
  );
}

/** Shown where a request to the API failed. */
export function ErrorState(props: { error: ReadableError; signedIn?: boolean }) {
  const { error } = props;
  return (
    <div className="state error" role="alert">
      <h3>{error.title}</h3>
      <p>{error.message}</p>
      {error.signInMayHelp && !props.signedIn && (
        <Link className="button" href="/sign-in">
          Sign in
        </Link>
      )}
    </div>
  );
}

/**
 * Shown where this Wharf's API has no field for the data yet. The portal shows
 * no placeholder data in its place.
 */
export function UnavailableState(props: { what: string; children?: ReactNode }) {
  return (
    <div className="state unavailable" role="status">
      <h3>{props.what} not available yet</h3>
      <p>
        {props.children ??
          `This Wharf server's API does not provide ${props.what.toLowerCase()} yet, so the portal has nothing to show here.`}
      </p>
    </div>
  );
}

/** Grey bars shown while a page section loads. */
export function Skeleton(props: { rows?: number; label?: string }) {
  const rows = props.rows ?? 5;
  return (
    <div aria-busy="true" aria-live="polite">
      <span className="muted">{props.label ?? 'Loading…'}</span>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="skeleton" style={{ width: `${90 - (index % 3) * 15}%` }} />
      ))}
    </div>
  );
}
