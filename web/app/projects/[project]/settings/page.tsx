import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ActionForm } from '@/components/action-form';
import { ErrorState } from '@/components/states';
import { SubmitButton } from '@/components/submit-button';
import { describeError } from '@/lib/errors';
import { getProject, type ProjectDetail } from '@/lib/identity';
import { getViewer } from '@/lib/session';
import { deleteProjectAction, updateProjectAction } from './actions';

export const metadata: Metadata = { title: 'Project settings' };

export default async function ProjectSettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const name = (await params).project;
  const viewer = await getViewer();

  let project: ProjectDetail | null;
  try {
    project = await getProject(name);
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={Boolean(viewer)} />;
  }
  if (!project) notFound();

  return (
    <div className="grid-2">
      <section className="panel" aria-labelledby="access-title">
        <h2 id="access-title">Access</h2>
        <ActionForm action={updateProjectAction} label="Project access">
          <input type="hidden" name="project" value={name} />
          <fieldset>
            <legend>Who may pull</legend>
            <label className="checkbox">
              <input type="radio" name="access" value="public" defaultChecked={project.public} />
              <span>Public: anyone, also without signing in, may pull and browse.</span>
            </label>
            <label className="checkbox">
              <input type="radio" name="access" value="private" defaultChecked={!project.public} />
              <span>Private: only members and robot accounts of the project.</span>
            </label>
          </fieldset>
          <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
        </ActionForm>
      </section>
      <section className="panel" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete project</h2>
        <p>
          Wharf deletes a project only when it holds no artifacts or charts. Its members and robot accounts are deleted with
          it.
        </p>
        <ActionForm action={deleteProjectAction} label="Delete project">
          <input type="hidden" name="project" value={name} />
          <SubmitButton variant="danger" pendingLabel="Deleting…" confirm={`Delete project ${name}? This cannot be undone.`}>
            Delete {name}
          </SubmitButton>
        </ActionForm>
      </section>
    </div>
  );
}
