import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { RoleBadge, VisibilityBadge } from '@/components/badges';
import { PageHeader } from '@/components/page-header';
import { ErrorState } from '@/components/states';
import { type Tab, Tabs } from '@/components/tabs';
import { describeError } from '@/lib/errors';
import { getProject, type ProjectDetail } from '@/lib/identity';
import { canAdministerProject, canSeeProjectAccounts, projectPath } from '@/lib/project-access';
import { getViewer } from '@/lib/session';

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ project: string }> }) {
  const name = (await params).project;
  const viewer = await getViewer();

  let project: ProjectDetail | null;
  try {
    project = await getProject(name);
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={Boolean(viewer)} />;
  }
  if (!project) notFound();

  const tabs: Tab[] = [
    { label: 'Repositories', href: projectPath(name), exact: true },
    { label: 'Charts', href: projectPath(name, 'charts') },
  ];
  if (canSeeProjectAccounts(project, viewer)) {
    tabs.push({ label: 'Members', href: projectPath(name, 'members') }, { label: 'Robot accounts', href: projectPath(name, 'robots') });
  }
  tabs.push({ label: 'Quota', href: projectPath(name, 'quota') });
  if (canAdministerProject(project, viewer)) {
    tabs.push({ label: 'Audit log', href: projectPath(name, 'audit') }, { label: 'Settings', href: projectPath(name, 'settings') });
  }

  return (
    <>
      <PageHeader
        title={project.name}
        breadcrumbs={[{ label: 'Projects', href: '/projects' }]}
        description={
          <>
            <VisibilityBadge public={project.public} /> {project.myRole && <RoleBadge role={project.myRole} />}
          </>
        }
      />
      <Tabs label="Project sections" tabs={tabs} />
      {children}
    </>
  );
}
