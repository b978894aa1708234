import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageHeader } from '@/components/page-header';
import { getViewer } from '@/lib/session';
import { CreateProjectForm } from './create-project-form';

export const metadata: Metadata = { title: 'New project' };

export default async function NewProjectPage() {
  if (!(await getViewer())) redirect('/sign-in?callbackUrl=/projects/new');
  return (
    <>
      <PageHeader title="New project" breadcrumbs={[{ label: 'Projects', href: '/projects' }]} />
      <div className="panel">
        <CreateProjectForm />
      </div>
    </>
  );
}
