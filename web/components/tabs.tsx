'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface Tab {
  label: string;
  href: string;
  /** Marks the tab current only on its exact path, not on paths below it. */
  exact?: boolean;
}

/** Renders a row of links between the sections of one object, with the current one marked. */
export function Tabs(props: { label: string; tabs: Tab[] }) {
  const pathname = usePathname();
  return (
    <nav className="tabs" aria-label={props.label}>
      {props.tabs.map((tab) => {
        const current = tab.exact ? pathname === tab.href : pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link key={tab.href} href={tab.href} aria-current={current ? 'page' : undefined}>
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
