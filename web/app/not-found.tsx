import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="state" role="status">
      <h2>Page not found</h2>
      <p>The page does not exist, or it belongs to a private project that you cannot see.</p>
      <Link className="button" href="/projects">
        Go to projects
      </Link>
    </div>
  );
}
