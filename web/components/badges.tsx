/** Public or private marker of a project. */
export function VisibilityBadge(props: { public: boolean }) {
  return <span className={`badge ${props.public ? 'public' : 'private'}`}>{props.public ? 'Public' : 'Private'}</span>;
}

const ROLE_LABELS: Record<string, string> = {
  projectAdmin: 'Project admin',
  maintainer: 'Maintainer',
  developer: 'Developer',
  guest: 'Guest',
  limitedGuest: 'Limited guest',
};

/** The role names as the API spells them, in the order of decreasing rights. */
export const PROJECT_ROLES = Object.keys(ROLE_LABELS);

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

export function RoleBadge(props: { role: string }) {
  return <span className="badge">{roleLabel(props.role)}</span>;
}
