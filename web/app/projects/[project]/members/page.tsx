import type { Metadata } from 'next';
import { ActionForm } from '@/components/action-form';
import { PROJECT_ROLES, RoleBadge, roleLabel } from '@/components/badges';
import { Time } from '@/components/format';
import { EmptyState, ErrorState } from '@/components/states';
import { SubmitButton } from '@/components/submit-button';
import { describeError } from '@/lib/errors';
import { getProject, listMembers, type Member } from '@/lib/identity';
import { canAdministerProject } from '@/lib/project-access';
import { getViewer } from '@/lib/session';
import { addMemberAction, removeMemberAction, updateMemberAction } from './actions';

export const metadata: Metadata = { title: 'Members' };

function RoleSelect(props: { id: string; defaultValue?: string; label: string; hideLabel?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={props.id} className={props.hideLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <select id={props.id} name="role" defaultValue={props.defaultValue ?? 'developer'}>
        {PROJECT_ROLES.map((role) => (
          <option key={role} value={role}>
            {roleLabel(role)}
          </option>
        ))}
      </select>
    </div>
  );
}

export default async function MembersPage({ params }: { params: Promise<{ project: string }> }) {
  const name = (await params).project;
  const viewer = await getViewer();

  let members: Member[];
  let manage = false;
  try {
    const project = await getProject(name);
    members = await listMembers(name);
    manage = project !== null && canAdministerProject(project, viewer);
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={Boolean(viewer)} />;
  }

  return (
    <>
      {manage && (
        <section className="panel" aria-labelledby="add-member">
          <h2 id="add-member">Add a member</h2>
          <ActionForm action={addMemberAction} className="inline-form" label="Add a member">
            <input type="hidden" name="project" value={name} />
            <div className="field">
              <label htmlFor="member-username">Username</label>
              <input id="member-username" name="username" type="text" required autoCapitalize="none" />
            </div>
            <RoleSelect id="member-role" label="Role" />
            <SubmitButton pendingLabel="Adding…">Add member</SubmitButton>
          </ActionForm>
        </section>
      )}
      <h2>Members</h2>
      {members.length === 0 ? (
        <EmptyState title="No members">
          {manage ? 'Add people above to give them a role in this project.' : 'Nobody has a role in this project yet.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Members of {name}</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col" className="hide-narrow">
                  Member since
                </th>
                {manage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.username}>
                  <td className="break">{member.username}</td>
                  <td>
                    {manage ? (
                      <ActionForm action={updateMemberAction} className="inline-form" label={`Role of ${member.username}`}>
                        <input type="hidden" name="project" value={name} />
                        <input type="hidden" name="username" value={member.username} />
                        <RoleSelect id={`role-${member.username}`} label={`Role of ${member.username}`} hideLabel defaultValue={member.role} />
                        <SubmitButton variant="secondary" small pendingLabel="Saving…" ariaLabel={`Change role of ${member.username}`}>
                          Change
                        </SubmitButton>
                      </ActionForm>
                    ) : (
                      <RoleBadge role={member.role} />
                    )}
                  </td>
                  <td className="hide-narrow">
                    <Time value={member.createdAt} />
                  </td>
                  {manage && (
                    <td className="actions">
                      <ActionForm action={removeMemberAction} label={`Remove ${member.username}`}>
                        <input type="hidden" name="project" value={name} />
                        <input type="hidden" name="username" value={member.username} />
                        <SubmitButton
                          variant="danger"
                          small
                          pendingLabel="Removing…"
                          confirm={`Remove ${member.username} from ${name}?`}
                          ariaLabel={`Remove ${member.username}`}
                        >
                          Remove
                        </SubmitButton>
                      </ActionForm>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
