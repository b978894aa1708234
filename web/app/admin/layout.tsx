import type { ReactNode } from 'react';
import { PageHeader } from '@/components/page-header';
import { ErrorState } from '@/components/states';
import { Tabs } from '@/components/tabs';
import { describeError } from '@/lib/errors';
import { ApiError } from '@/lib/errors';
import { getViewer } from '@/lib/session';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer?.isAdmin) {
    const error = new ApiError(viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED', 'administration needs a system administrator');
    return <ErrorState error={describeError(error)} signedIn={Boolean(viewer)} />;
  }

  return (
    <>
      <PageHeader title="Administration" description="Users and system robot accounts of this Wharf." />
      <Tabs
        label="Administration sections"
        tabs={[
          { label: 'Users', href: '/admin/users' },
          { label: 'System robot accounts', href: '/admin/robots' },
        ]}
      />
      {children}
    </>
  );
}
