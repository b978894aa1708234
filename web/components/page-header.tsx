import Link from 'next/link';
import type { ReactNode } from 'react';

export interface Breadcrumb {
  label: string;
  href: string;
}

/** Title of a page, with optional breadcrumbs, a description line and actions on the right. */
export function PageHeader(props: {
  title: ReactNode;
  description?: ReactNode;
  breadcrumbs?: Breadcrumb[];
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        {props.breadcrumbs && props.breadcrumbs.length > 0 && (
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            {props.breadcrumbs.map((crumb, index) => (
              <span key={crumb.href}>
                {index > 0 && ' / '}
                <Link href={crumb.href}>{crumb.label}</Link>
              </span>
            ))}
          </nav>
        )}
        <h1>{props.title}</h1>
        {props.description && <p>{props.description}</p>}
      </div>
      {props.actions && <div className="row-actions">{props.actions}</div>}
    </div>
  );
}
