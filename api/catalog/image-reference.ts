/** An image reference that names a repository of this Wharf. */
export interface WharfImageReference {
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Reads `host[:port]/path[:tag][@digest]` and returns the repository when the
 * host is Wharf's own (`wharfHost`, compared without case). References with
 * no host name Docker Hub, as Docker and Kubernetes read them, so they are
 * never in Wharf. A reference with neither tag nor digest means `latest`.
 */
export function parseWharfImageReference(reference: string, wharfHost: string): WharfImageReference | undefined {
  const [nameAndTag, digest] = reference.split('@', 2) as [string, string | undefined];
  const slash = nameAndTag.indexOf('/');
  if (slash < 0) return undefined;

  const host = nameAndTag.slice(0, slash);
  const looksLikeHost = host.includes('.') || host.includes(':') || host === 'localhost';
  if (!looksLikeHost || host.toLowerCase() !== wharfHost.toLowerCase()) return undefined;

  const path = nameAndTag.slice(slash + 1);
  const colon = path.lastIndexOf(':');
  const repository = colon > path.lastIndexOf('/') && colon >= 0 ? path.slice(0, colon) : path;
  const tag = repository === path ? undefined : path.slice(colon + 1);
  if (!repository.includes('/')) return undefined;
  if (digest) return { repository, digest, ...(tag ? { tag } : {}) };
  return { repository, tag: tag ?? 'latest' };
}
