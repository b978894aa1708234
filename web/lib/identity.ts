/**
 * Identity data: the viewer, users, projects, members, robot accounts, access
 * tokens and the audit log, read and changed through Wharf's GraphQL API.
 */
import { cache } from 'react';
import { ApiError } from './errors';
import { executeGraphQL, type ApiTarget } from './graphql';
import { graphql } from './session';

export interface ProjectSummary {
  name: string;
  public: boolean;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  totalCount: number | null;
  /** Cursor of the page after this one; null on the last page. */
  nextCursor: string | null;
}

export interface Member {
  username: string;
  role: string;
  createdAt: string;
}

export interface RobotAccount {
  id: number;
  name: string;
  description: string | null;
  disabled: boolean;
  expiresAt: string | null;
  createdAt: string;
  grants: { project: string; actions: string[] }[];
}

export interface ProjectDetail extends ProjectSummary {
  /** Role of the viewer in the project; null when they are not a member. */
  myRole: string | null;
  /** Permissions the viewer has in the project, such as scan:start. */
  myPermissions: string[];
}

export interface User {
  id: number;
  username: string;
  email: string | null;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: string;
  actorKind: string;
  clientIp: string | null;
  action: string;
  resource: string;
  outcome: string;
  count: number;
}

/** The result of creating a robot: the account and its secret, which the API returns this once. */
export interface CreatedRobot {
  robot: RobotAccount;
  secret: string;
}

/** The access token that backs a portal session. */
export interface ApiSession {
  username: string;
  isAdmin: boolean;
  secret: string;
  tokenId: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

interface Connection<T> {
  totalCount?: number | null;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function toPage<T>(connection: Connection<T>): Page<T> {
  return {
    items: connection.edges.map((edge) => edge.node),
    totalCount: connection.totalCount ?? null,
    nextCursor: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null,
  };
}

const ROBOT_FIELDS = `id name description disabled expiresAt createdAt grants { project actions }`;

// Sign-in and sign-out

/**
 * Checks a username and password against Wharf and creates the personal access
 * token that the portal then calls the API with, so the password is used once
 * and never stored.
 */
export async function openApiSession(origin: string, username: string, password: string, lifetimeSeconds: number): Promise<ApiSession> {
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const expiresAt = new Date(Date.now() + lifetimeSeconds * 1000);
  const { me } = await executeGraphQL<{ me: { username: string; isAdmin: boolean } | null }>(
    { origin, authorization: basic },
    `query PortalSignIn { me { username isAdmin } }`,
  );
  // Robot accounts authenticate too, but `me` is null for them: the portal is for people.
  if (!me) throw new ApiError('UNAUTHENTICATED', 'only user accounts can sign in to the portal');

  const { createAccessToken } = await executeGraphQL<{ createAccessToken: { secret: string; token: { id: number } } }>(
    { origin, authorization: basic },
    `mutation OpenPortalSession($input: CreateAccessTokenInput!) {
      createAccessToken(input: $input) { secret token { id } }
    }`,
    { input: { name: `portal session ${new Date().toISOString()}`, expiresAt: expiresAt.toISOString() } },
  );

  return {
    username: me.username,
    isAdmin: me.isAdmin,
    secret: createAccessToken.secret,
    tokenId: createAccessToken.token.id,
    expiresAt: expiresAt.getTime(),
  };
}

/**
 * Hands the ID token from the OpenID Connect provider to Wharf, which checks it,
 * finds or creates the user and returns a short-lived personal access token.
 */
export async function openOidcApiSession(origin: string, idToken: string): Promise<ApiSession> {
  const { openOidcSession } = await executeGraphQL<{
    openOidcSession: { secret: string; user: { username: string; isAdmin: boolean }; token: { id: number; expiresAt: string } };
  }>(
    { origin },
    `mutation OpenOidcPortalSession($idToken: String!) {
      openOidcSession(idToken: $idToken) { secret user { username isAdmin } token { id expiresAt } }
    }`,
    { idToken },
  );

  return {
    username: openOidcSession.user.username,
    isAdmin: openOidcSession.user.isAdmin,
    secret: openOidcSession.secret,
    tokenId: openOidcSession.token.id,
    expiresAt: new Date(openOidcSession.token.expiresAt).getTime(),
  };
}

/** Revokes the access token of a portal session. */
export async function revokeApiSession(target: ApiTarget, tokenId: number): Promise<void> {
  await executeGraphQL(target, `mutation ClosePortalSession($id: Int!) { revokeAccessToken(id: $id) { id } }`, { id: tokenId });
}

// Projects

const PROJECT_PAGE_FIELDS = `
  totalCount
  edges { cursor node { name public createdAt } }
  pageInfo { hasNextPage endCursor }
`;

/** Lists the projects the viewer may read, by name. When `search` is set, only names that contain it (ignoring case) are listed. */
export async function listProjects(options: { search?: string; first: number; after?: string }): Promise<Page<ProjectSummary>> {
  const data = await graphql<{ projects: Connection<ProjectSummary> }>(
    `query Projects($first: Int!, $after: String, $search: String) {
      projects(first: $first, after: $after, search: $search) { ${PROJECT_PAGE_FIELDS} }
    }`,
    { first: options.first, after: options.after ?? null, search: options.search ?? null },
  );
  return toPage(data.projects);
}

/** Returns the project, or null when it does not exist or the viewer cannot see it. Cached per request. */
export const getProject = cache(async (name: string): Promise<ProjectDetail | null> => {
  const data = await graphql<{ project: ProjectDetail | null }>(
    `query Project($name: String!) { project(name: $name) { name public createdAt myRole myPermissions } }`,
    { name },
  ).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return { project: null };
    throw error;
  });
  return data.project;
});

export async function createProject(name: string, isPublic: boolean): Promise<ProjectSummary> {
  const data = await graphql<{ createProject: ProjectSummary }>(
    `mutation CreateProject($input: CreateProjectInput!) { createProject(input: $input) { name public createdAt } }`,
    { input: { name, public: isPublic } },
  );
  return data.createProject;
}

export async function updateProject(name: string, isPublic: boolean): Promise<ProjectSummary> {
  const data = await graphql<{ updateProject: ProjectSummary }>(
    `mutation UpdateProject($input: UpdateProjectInput!) { updateProject(input: $input) { name public createdAt } }`,
    { input: { name, public: isPublic } },
  );
  return data.updateProject;
}

export async function deleteProject(name: string): Promise<void> {
  await graphql(`mutation DeleteProject($name: String!) { deleteProject(name: $name) }`, { name });
}

// Members

export async function listMembers(project: string): Promise<Member[]> {
  const data = await graphql<{ project: { members: Member[] | null } | null }>(
    `query Members($name: String!) { project(name: $name) { members { username role createdAt } } }`,
    { name: project },
  );
  // The API returns null members to callers without member:read.
  if (!data.project?.members) throw new ApiError('FORBIDDEN', `no permission to read the members of ${project}`);
  return data.project.members;
}

export async function addMember(project: string, username: string, role: string): Promise<void> {
  await graphql(
    `mutation AddMember($project: String!, $username: String!, $role: ProjectRole!) {
      addProjectMember(project: $project, username: $username, role: $role) { username }
    }`,
    { project, username, role },
  );
}

export async function updateMember(project: string, username: string, role: string): Promise<void> {
  await graphql(
    `mutation UpdateMember($project: String!, $username: String!, $role: ProjectRole!) {
      updateProjectMember(project: $project, username: $username, role: $role) { username }
    }`,
    { project, username, role },
  );
}

export async function removeMember(project: string, username: string): Promise<void> {
  await graphql(`mutation RemoveMember($project: String!, $username: String!) { removeProjectMember(project: $project, username: $username) }`, {
    project,
    username,
  });
}

// Robot accounts

/** Lists the robots of a project, or the system robots when `project` is undefined. */
export async function listRobots(project: string | undefined): Promise<RobotAccount[]> {
  if (project === undefined) {
    const data = await graphql<{ systemRobotAccounts: RobotAccount[] }>(`query SystemRobots { systemRobotAccounts { ${ROBOT_FIELDS} } }`);
    return data.systemRobotAccounts;
  }
  const data = await graphql<{ project: { robots: RobotAccount[] | null } | null }>(
    `query ProjectRobots($name: String!) { project(name: $name) { robots { ${ROBOT_FIELDS} } } }`,
    { name: project },
  );
  // The API returns null robots to callers without robot:read.
  if (!data.project?.robots) throw new ApiError('FORBIDDEN', `no permission to read the robot accounts of ${project}`);
  return data.project.robots;
}

export async function createRobot(input: {
  project?: string;
  name: string;
  description: string | null;
  grants: { project: string; actions: string[] }[];
  expiresAt: string | null;
}): Promise<CreatedRobot> {
  const data = await graphql<{ createRobotAccount: CreatedRobot }>(
    `mutation CreateRobot($input: CreateRobotAccountInput!) {
      createRobotAccount(input: $input) { secret robot { ${ROBOT_FIELDS} } }
    }`,
    { input },
  );
  return data.createRobotAccount;
}

export async function setRobotDisabled(id: number, disabled: boolean): Promise<void> {
  await graphql(`mutation SetRobotDisabled($id: Int!, $disabled: Boolean!) { disableRobotAccount(id: $id, disabled: $disabled) { id } }`, {
    id,
    disabled,
  });
}

export async function deleteRobot(id: number): Promise<void> {
  await graphql(`mutation DeleteRobot($id: Int!) { deleteRobotAccount(id: $id) }`, { id });
}

// Users

export async function listUsers(options: { first: number; after?: string }): Promise<Page<User>> {
  const data = await graphql<{ users: Connection<User> }>(
    `query Users($first: Int!, $after: String) {
      users(first: $first, after: $after) {
        totalCount
        edges { cursor node { id username email isAdmin disabled createdAt } }
        pageInfo { hasNextPage endCursor }
      }
    }`,
    { first: options.first, after: options.after ?? null },
  );
  return toPage(data.users);
}

export async function createUser(input: { username: string; password: string; email: string | null; isAdmin: boolean }): Promise<void> {
  await graphql(`mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input });
}

export async function updateUser(username: string, changes: { isAdmin?: boolean; disabled?: boolean }): Promise<void> {
  await graphql(`mutation UpdateUser($input: UpdateUserInput!) { updateUser(input: $input) { id } }`, { input: { username, ...changes } });
}

export async function deleteUser(username: string): Promise<void> {
  await graphql(`mutation DeleteUser($username: String!) { deleteUser(username: $username) }`, { username });
}

// Audit log

export async function listAuditEvents(options: { project?: string; first: number; after?: string }): Promise<Page<AuditEvent>> {
  const data = await graphql<{ auditEvents: Connection<AuditEvent> }>(
    `query AuditEvents($project: String, $first: Int!, $after: String) {
      auditEvents(project: $project, first: $first, after: $after) {
        totalCount
        edges { cursor node { id occurredAt actor actorKind clientIp action resource outcome count } }
        pageInfo { hasNextPage endCursor }
      }
    }`,
    { project: options.project ?? null, first: options.first, after: options.after ?? null },
  );
  return toPage(data.auditEvents);
}
