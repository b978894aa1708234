import Link from 'next/link';
import type { Viewer } from '@/lib/session';
import { SignOutButton } from './sign-out-button';

/** Renders the bar at the top of every page with the name, navigation, search and account. */
export function SiteHeader(props: { viewer: Viewer | undefined }) {
  const { viewer } = props;
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link href="/projects" className="brand">
          Wharf
        </Link>
        <nav className="site-nav" aria-label="Main">
          <Link href="/projects">Projects</Link>
          <Link href="/search">Search</Link>
          {viewer?.isAdmin && <Link href="/admin/users">Administration</Link>}
        </nav>
        <form className="site-search" action="/search" role="search">
          <label htmlFor="site-search" className="visually-hidden">
            Search images and charts
          </label>
          <input id="site-search" type="search" name="q" placeholder="Search images and charts" />
          <button type="submit" className="button small">
            Search
          </button>
        </form>
        <div className="account">
          {viewer ? (
            <>
              <span>
                Signed in as <strong>{viewer.username}</strong>
              </span>
              <SignOutButton />
            </>
          ) : (
            <Link className="button small" href="/sign-in">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
