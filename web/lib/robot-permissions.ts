/** Permissions a robot account can be given, as the API names them, with what a person reads. */
export const ROBOT_PERMISSIONS: { value: string; label: string; preset?: boolean }[] = [
  { value: 'repository:pull', label: 'Pull images', preset: true },
  { value: 'repository:push', label: 'Push images' },
  { value: 'artifact:delete', label: 'Delete artifacts' },
  { value: 'tag:create', label: 'Create tags' },
  { value: 'tag:delete', label: 'Delete tags' },
  { value: 'chart:read', label: 'Download charts', preset: true },
  { value: 'chart:upload', label: 'Upload charts' },
  { value: 'chart:delete', label: 'Delete charts' },
  { value: 'scan:start', label: 'Start scans' },
];

export function permissionLabel(value: string): string {
  return ROBOT_PERMISSIONS.find((permission) => permission.value === value)?.label ?? value;
}
