import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/site-header';
import { getViewer } from '@/lib/session';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Wharf', template: '%s · Wharf' },
  description: 'Registry for container images and Helm charts',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <SiteHeader viewer={viewer} />
        <main id="content" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}
