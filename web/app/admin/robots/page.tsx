import type { Metadata } from 'next';
import { CreateRobotForm } from '@/components/create-robot-form';
import { RobotTable } from '@/components/robot-table';
import { EmptyState, ErrorState } from '@/components/states';
import { describeError } from '@/lib/errors';
import { listRobots, type RobotAccount } from '@/lib/identity';
import { createRobotAction, deleteRobotAction, setRobotDisabledAction } from '@/lib/robot-actions';

export const metadata: Metadata = { title: 'System robot accounts' };

export default async function SystemRobotsPage() {
  let robots: RobotAccount[];
  try {
    robots = await listRobots(undefined);
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn />;
  }

  return (
    <>
      <section className="panel" aria-labelledby="create-system-robot">
        <h2 id="create-system-robot">Create a system robot account</h2>
        <p className="muted">A system robot may act in several projects, for example a deployment tool that pulls from all of them.</p>
        <CreateRobotForm action={createRobotAction} />
      </section>
      <h2>System robot accounts</h2>
      {robots.length === 0 ? (
        <EmptyState title="No system robot accounts">Create one above for a tool that works across projects.</EmptyState>
      ) : (
        <RobotTable robots={robots} project="" manage setDisabledAction={setRobotDisabledAction} deleteAction={deleteRobotAction} />
      )}
    </>
  );
}
