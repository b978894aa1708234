import { registerEnumType } from 'type-graphql';
import { PROJECT_ROLES, type ProjectRole } from '../../access/permissions.ts';

/** The project roles as a GraphQL enum whose values are the stored role names. */
export const ProjectRoleEnum = Object.fromEntries(PROJECT_ROLES.map((role) => [role, role])) as { [Role in ProjectRole]: Role };

registerEnumType(ProjectRoleEnum, {
  name: 'ProjectRole',
  description: 'Role of a user in a project, from most to least powerful as in Harbor.',
});
