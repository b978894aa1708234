/**
 * The permission matrix: what each project role may do, written once as data.
 * Roles and their meaning follow Harbor's five project roles.
 */

export const PROJECT_ROLES = ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const PERMISSIONS = [
  'project:read',
  'project:update',
  'project:delete',
  'repository:pull',
  'repository:push',
  'artifact:delete',
  'tag:create',
  'tag:delete',
  'member:read',
  'member:manage',
  'robot:read',
  'robot:manage',
  'audit:read',
  'chart:read',
  'chart:upload',
  'chart:delete',
  'scan:read',
  'scan:start',
  'label:manage',
  'quota:read',
  'retention:manage',
  'immutability:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['project:read', 'repository:pull', 'chart:read', 'scan:read', 'quota:read'];
const GUEST: Permission[] = [...READ, 'member:read', 'robot:read'];
const DEVELOPER: Permission[] = [...GUEST, 'repository:push', 'tag:create', 'chart:upload', 'label:manage', 'retention:manage'];
const MAINTAINER: Permission[] = [
  ...DEVELOPER,
  'artifact:delete',
  'tag:delete',
  'chart:delete',
  'scan:start',
  'immutability:manage',
];
const PROJECT_ADMIN: Permission[] = [
  ...MAINTAINER,
  'member:manage',
  'robot:manage',
  'audit:read',
  'project:update',
  'project:delete',
];

export const ROLE_PERMISSIONS: Readonly<Record<ProjectRole, ReadonlySet<Permission>>> = {
  limitedGuest: new Set(READ),
  guest: new Set(GUEST),
  developer: new Set(DEVELOPER),
  maintainer: new Set(MAINTAINER),
  projectAdmin: new Set(PROJECT_ADMIN),
};

/** What anyone, signed in or not, may do in a public project: list, pull and see scan results. */
export const PUBLIC_PERMISSIONS: ReadonlySet<Permission> = new Set(READ);

export function isProjectRole(value: string): value is ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** Registry token actions and the permission each needs. */
export const REGISTRY_ACTION_PERMISSION = {
  pull: 'repository:pull',
  push: 'repository:push',
  delete: 'artifact:delete',
} as const satisfies Record<string, Permission>;
export type RegistryAction = keyof typeof REGISTRY_ACTION_PERMISSION;
