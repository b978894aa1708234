import type { Metadata } from 'next';
import { ActionForm } from '@/components/action-form';
import { Time } from '@/components/format';
import { EmptyState, ErrorState } from '@/components/states';
import { SubmitButton } from '@/components/submit-button';
import { describeError } from '@/lib/errors';
import { listUsers, type Page, type User } from '@/lib/identity';
import { Pagination } from '@/components/pagination';
import { queryValue, type SearchParams, withQuery } from '@/lib/search-params';
import { getViewer } from '@/lib/session';
import { createUserAction, deleteUserAction, updateUserAction } from './actions';

export const metadata: Metadata = { title: 'Users' };

function FlagForm(props: { user: User; field: 'isAdmin' | 'disabled'; value: boolean; label: string }) {
  return (
    <ActionForm action={updateUserAction} label={`${props.label} ${props.user.username}`}>
      <input type="hidden" name="username" value={props.user.username} />
      <input type="hidden" name="field" value={props.field} />
      <input type="hidden" name="value" value={String(props.value)} />
      <SubmitButton variant="secondary" small ariaLabel={`${props.label} ${props.user.username}`}>
        {props.label}
      </SubmitButton>
    </ActionForm>
  );
}

const PAGE_SIZE = 50;

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const after = queryValue(await searchParams, 'after');
  const viewer = await getViewer();
  let page: Page<User>;
  try {
    page = await listUsers({ first: PAGE_SIZE, after });
  } catch (error) {
    return <ErrorState error={describeError(error)} signedIn={Boolean(viewer)} />;
  }

  return (
    <>
      <section className="panel" aria-labelledby="create-user">
        <h2 id="create-user">Create a user</h2>
        <ActionForm action={createUserAction} label="Create a user">
          <div className="field">
            <label htmlFor="user-username">Username</label>
            <input id="user-username" name="username" type="text" required autoCapitalize="none" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="user-email">Email (optional)</label>
            <input id="user-email" name="email" type="email" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="user-password">Password</label>
            <input id="user-password" name="password" type="password" required minLength={8} autoComplete="new-password" />
            <div className="hint">At least 8 characters. Give it to the person over a safe channel.</div>
          </div>
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" name="isAdmin" />
              <span>System administrator: may manage every project, user and robot.</span>
            </label>
          </div>
          <SubmitButton pendingLabel="Creating…">Create user</SubmitButton>
        </ActionForm>
      </section>
      <h2>Users</h2>
      {page.items.length === 0 ? (
        <EmptyState title="No users">Create the first user above.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">
                  Email
                </th>
                <th scope="col" className="hide-narrow">
                  Created
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((user) => {
                const self = user.username === viewer?.username;
                return (
                  <tr key={user.id}>
                    <td className="break">{user.username}</td>
                    <td>
                      {user.isAdmin && <span className="badge">Administrator</span>}{' '}
                      {user.disabled && <span className="badge danger">Disabled</span>}
                    </td>
                    <td className="hide-narrow break">{user.email ?? '—'}</td>
                    <td className="hide-narrow">
                      <Time value={user.createdAt} />
                    </td>
                    <td className="actions">
                      {!self && (
                        <div className="row-actions">
                          <FlagForm user={user} field="isAdmin" value={!user.isAdmin} label={user.isAdmin ? 'Remove admin' : 'Make admin'} />
                          <FlagForm user={user} field="disabled" value={!user.disabled} label={user.disabled ? 'Enable' : 'Disable'} />
                          <ActionForm action={deleteUserAction} label={`Delete ${user.username}`}>
                            <input type="hidden" name="username" value={user.username} />
                            <SubmitButton
                              variant="danger"
                              small
                              confirm={`Delete user ${user.username}? Their memberships and access tokens are deleted too.`}
                              ariaLabel={`Delete ${user.username}`}
                            >
                              Delete
                            </SubmitButton>
                          </ActionForm>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pagination
        shown={page.items.length}
        totalCount={page.totalCount}
        nextCursor={page.nextCursor}
        isFirstPage={!after}
        hrefFor={(cursor) => withQuery('/admin/users', { after: cursor })}
      />
    </>
  );
}
