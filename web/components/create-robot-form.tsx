'use client';

import { useActionState } from 'react';
import type { CreateRobotResult } from '@/lib/robot-actions';
import { ROBOT_PERMISSIONS } from '@/lib/robot-permissions';
import { CopyField } from './copy-field';
import { FormResult } from './form-result';
import { SubmitButton } from './submit-button';

type CreateRobot = (previous: CreateRobotResult | undefined, form: FormData) => Promise<CreateRobotResult>;

/**
 * Form that creates a robot account. The secret from the API is kept only in this
 * component's state, so it is gone once the page is left or reloaded.
 */
export function CreateRobotForm(props: { action: CreateRobot; project?: string }) {
  const [result, action] = useActionState(props.action, undefined);
  const created = result && 'secret' in result ? result : undefined;

  return (
    <>
      {created && (
        <div className="secret-box" role="status" aria-labelledby="robot-secret-title">
          <h3 id="robot-secret-title">Robot {created.robotName} created</h3>
          <p>Copy the secret now. Wharf stores only its hash and will not show it again.</p>
          <CopyField label="Robot name" value={created.robotName} />
          <CopyField label="Secret" value={created.secret} />
        </div>
      )}
      <form action={action} aria-label="Create a robot account">
        {result && !created && <FormResult result={result} />}
        {props.project ? (
          <input type="hidden" name="project" value={props.project} />
        ) : (
          <div className="field">
            <label htmlFor="robot-projects">Projects</label>
            <input id="robot-projects" name="projects" type="text" required aria-describedby="robot-projects-hint" />
            <div className="hint" id="robot-projects-hint">
              Comma-separated names of the projects the robot may act in.
            </div>
          </div>
        )}
        <div className="field">
          <label htmlFor="robot-name">Name</label>
          <input
            id="robot-name"
            name="name"
            type="text"
            required
            pattern="[a-z0-9]+([._\-][a-z0-9]+)*"
            autoCapitalize="none"
            aria-describedby="robot-name-hint"
          />
          <div className="hint" id="robot-name-hint">
            Lower-case letters, digits and . _ -. The full name is {props.project ? `robot$${props.project}+name` : 'robot$name'}.
          </div>
        </div>
        <div className="field">
          <label htmlFor="robot-description">Description</label>
          <input id="robot-description" name="description" type="text" maxLength={500} />
        </div>
        <fieldset>
          <legend>Permissions</legend>
          {ROBOT_PERMISSIONS.map((permission) => (
            <label key={permission.value} className="checkbox">
              <input type="checkbox" name="permission" value={permission.value} defaultChecked={permission.preset} />
              <span>{permission.label}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="robot-expires">Expires on</label>
          <input id="robot-expires" name="expires" type="date" aria-describedby="robot-expires-hint" />
          <div className="hint" id="robot-expires-hint">
            End of that day, UTC. Leave empty for a robot that does not expire.
          </div>
        </div>
        <SubmitButton pendingLabel="Creating…">Create robot account</SubmitButton>
      </form>
    </>
  );
}
