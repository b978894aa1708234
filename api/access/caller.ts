import type { Permission, RegistryAction } from './permissions.ts';

export interface UserIdentity {
  id: number;
  username: string;
  isAdmin: boolean;
}

/**
 * One entry of a robot's permissions: a project name, or `*` for every project
 * (current and future, for system robots). A named grant also records the
 * project's id when the robot is created and applies to that project only, so
 * a project deleted and created again under the same name does not inherit it.
 */
export interface RobotGrant {
  project: string;
  projectId?: number;
  actions: Permission[];
}

export interface RobotIdentity {
  id: number;
  name: string;
  projectId: number | null;
  grants: RobotGrant[];
}

/** Registry access granted by a bearer token: a repository name and its actions. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** How the caller proved who they are. */
export type Credential = 'none' | 'password' | 'access-token' | 'robot-secret' | 'registry-token' | 'session';

/** Who sent a request. `tokenAccess` is set when a registry token limits what the request may do. */
export type Caller =
  | { kind: 'anonymous'; credential: Credential; tokenAccess?: TokenAccess[] }
  | { kind: 'user'; user: UserIdentity; credential: Credential; tokenAccess?: TokenAccess[] }
  | { kind: 'robot'; robot: RobotIdentity; credential: Credential; tokenAccess?: TokenAccess[] };

export const ANONYMOUS: Caller = { kind: 'anonymous', credential: 'none' };

/** Raised for credentials that were sent but are wrong, expired or disabled. */
export class InvalidCredentialsError extends Error {
  constructor(readonly reason: string = 'invalid credentials') {
    super(reason);
    this.name = 'InvalidCredentialsError';
  }
}

/** Raised when too many sign-ins failed for a user or address. */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins; try again in ${retryAfterSeconds} seconds`);
    this.name = 'TooManyAttemptsError';
  }
}

/** The name shown for a caller in logs and the audit log. */
export function callerName(caller: Caller): string {
  switch (caller.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return caller.user.username;
    case 'robot':
      return caller.robot.name;
  }
}

/** True when the token carried by the caller, if any, grants `action` on the repository. */
export function tokenGrants(caller: Caller, repository: string, action: RegistryAction): boolean {
  if (!caller.tokenAccess) return true;
  return caller.tokenAccess.some(
    (access) => access.type === 'repository' && access.name === repository && (access.actions.includes(action) || access.actions.includes('*')),
  );
}
