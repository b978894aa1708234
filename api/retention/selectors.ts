import picomatch from 'picomatch';

/**
 * A pattern that selects repositories or tags, as Harbor's rules do: doublestar
 * globs (`**` matches everything, `{a,b}` alternatives), either keeping what
 * matches or, with `exclude`, what does not.
 */
export interface Selector {
  pattern: string;
  exclude: boolean;
}

const cache = new Map<string, picomatch.Matcher>();

function matcher(pattern: string): picomatch.Matcher {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = picomatch(pattern, { dot: true });
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

export function selects(selector: Selector, value: string): boolean {
  return matcher(selector.pattern)(value) !== selector.exclude;
}

/** The repository path that rules match: the name without its project, e.g. `team/app` for `library/team/app`. */
export function repositoryPath(repositoryName: string): string {
  return repositoryName.slice(repositoryName.indexOf('/') + 1);
}
