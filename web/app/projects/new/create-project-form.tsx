'use client';

import { useActionState } from 'react';
import { FormResult } from '@/components/form-result';
import { SubmitButton } from '@/components/submit-button';
import { createProjectAction } from './actions';

export function CreateProjectForm() {
  const [result, action] = useActionState(createProjectAction, undefined);
  return (
    <form action={action}>
      <FormResult result={result} />
      <div className="field">
        <label htmlFor="project-name">Name</label>
        <input
          id="project-name"
          name="name"
          type="text"
          required
          maxLength={255}
          pattern="[a-z0-9]+([._\-][a-z0-9]+)*"
          autoCapitalize="none"
          aria-describedby="project-name-hint"
        />
        <div className="hint" id="project-name-hint">
          Lower-case letters, digits and . _ - (not at either end). It becomes the first part of every image name, as in
          wharf.example.com/<em>name</em>/app:1.0.
        </div>
      </div>
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" name="public" />
          <span>
            Public: anyone, also without signing in, may pull its images and charts. Only members may push.
          </span>
        </label>
      </div>
      <SubmitButton pendingLabel="Creating…">Create project</SubmitButton>
    </form>
  );
}
