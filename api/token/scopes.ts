import type { TokenAccess } from '../access/caller.ts';

/**
 * Parses Docker token scopes: `type:name:action[,action...]`, several separated
 * by spaces or given as repeated parameters. The name may itself contain a
 * colon (a registry host with a port), so type and actions are split from the
 * ends. `repository(plugin)` is read as `repository`. Malformed entries are skipped.
 */
export function parseScopes(values: string[]): TokenAccess[] {
  const scopes: TokenAccess[] = [];
  for (const entry of values.flatMap((value) => value.split(' ')).filter((value) => value !== '')) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first < 0 || last === first) continue;

    const type = entry.slice(0, first).replace(/\([a-z0-9]+\)$/, '');
    const name = entry.slice(first + 1, last);
    const actions = [...new Set(entry.slice(last + 1).split(',').filter((action) => action !== ''))];
    if (type === '' || name === '') continue;
    scopes.push({ type, name, actions });
  }
  return scopes;
}

/** Formats access as a challenge's scope value. */
export function formatScope(access: TokenAccess): string {
  return `${access.type}:${access.name}:${access.actions.join(',')}`;
}
