import type { ActionResult } from '@/lib/action-result';
import type { RobotAccount } from '@/lib/identity';
import { permissionLabel } from '@/lib/robot-permissions';
import { ActionForm } from './action-form';
import { Time } from './format';
import { SubmitButton } from './submit-button';

type FormAction = (previous: ActionResult | undefined, form: FormData) => Promise<ActionResult>;

function isExpired(robot: RobotAccount): boolean {
  return robot.expiresAt !== null && new Date(robot.expiresAt).getTime() <= Date.now();
}

function RobotStatus(props: { robot: RobotAccount }) {
  if (props.robot.disabled) return <span className="badge danger">Disabled</span>;
  if (isExpired(props.robot)) return <span className="badge danger">Expired</span>;
  return <span className="badge public">Active</span>;
}

/** Robot accounts with their permissions and, for those who manage them, disable and delete buttons. */
export function RobotTable(props: {
  robots: RobotAccount[];
  /** Project of the robots; empty for system robots. */
  project: string;
  manage: boolean;
  setDisabledAction: FormAction;
  deleteAction: FormAction;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Robot accounts</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">
              Permissions
            </th>
            <th scope="col" className="hide-narrow">
              Expires
            </th>
            {props.manage && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.robots.map((robot) => (
            <tr key={robot.id}>
              <td className="break">
                <code>{robot.name}</code>
                {robot.description && <div className="muted">{robot.description}</div>}
              </td>
              <td>
                <RobotStatus robot={robot} />
              </td>
              <td className="hide-narrow">
                {robot.grants.map((grant) => (
                  <div key={grant.project}>
                    {!props.project && <strong>{grant.project}: </strong>}
                    {grant.actions.map(permissionLabel).join(', ')}
                  </div>
                ))}
              </td>
              <td className="hide-narrow">
                <Time value={robot.expiresAt} empty="Never" />
              </td>
              {props.manage && (
                <td className="actions">
                  <div className="row-actions">
                    <ActionForm action={props.setDisabledAction} label={`${robot.disabled ? 'Enable' : 'Disable'} ${robot.name}`}>
                      <input type="hidden" name="project" value={props.project} />
                      <input type="hidden" name="id" value={robot.id} />
                      <input type="hidden" name="disabled" value={robot.disabled ? 'false' : 'true'} />
                      <SubmitButton variant="secondary" small ariaLabel={`${robot.disabled ? 'Enable' : 'Disable'} ${robot.name}`}>
                        {robot.disabled ? 'Enable' : 'Disable'}
                      </SubmitButton>
                    </ActionForm>
                    <ActionForm action={props.deleteAction} label={`Delete ${robot.name}`}>
                      <input type="hidden" name="project" value={props.project} />
                      <input type="hidden" name="id" value={robot.id} />
                      <SubmitButton
                        variant="danger"
                        small
                        confirm={`Delete ${robot.name}? Clients using its secret stop working at once.`}
                        ariaLabel={`Delete ${robot.name}`}
                      >
                        Delete
                      </SubmitButton>
                    </ActionForm>
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
