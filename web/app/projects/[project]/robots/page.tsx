import type { Metadata } from 'next';
import { CreateRobotForm } from '@/components/create-robot-form';
import { RobotTable } from '@/components/robot-table';
import { EmptyState, ErrorState } from '@/components/states';
import { describeError } from '@/lib/errors';
import { getProject, listRobots, type RobotAccount } from '@/lib/identity';
import { canAdministerProject } from '@/lib/project-access';
import { createRobotAction, deleteRobotAction, setRobotDisabledAction } from '@/lib/robot-actions';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Robot accounts' };

export default async function ProjectRobotsPage({ params }: { params: Promise<{ project: string }> }) {
  const name = (await params).project;
  const viewer = await getViewer();

  let robots: RobotAccount[];
  let manage = false;
  try {
    const project = await getProject(name);
    robots = await listRobots(name);
    manage = project !== null && canAdministerProject(project, viewer);
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={Boolean(viewer)} />;
  }

  return (
    <>
      {manage && (
        <section className="panel" aria-labelledby="create-robot">
          <h2 id="create-robot">Create a robot account</h2>
          <p className="muted">Robot accounts let CI jobs and other tools pull and push without a person's password.</p>
          <CreateRobotForm action={createRobotAction} project={name} />
        </section>
      )}
      <h2>Robot accounts</h2>
      {robots.length === 0 ? (
        <EmptyState title="No robot accounts">
          {manage ? 'Create one above for each tool that needs access to this project.' : 'This project has no robot accounts.'}
        </EmptyState>
      ) : (
        <RobotTable
          robots={robots}
          project={name}
          manage={manage}
          setDisabledAction={setRobotDisabledAction}
          deleteAction={deleteRobotAction}
        />
      )}
    </>
  );
}
