/** One path component of a repository name (OCI Distribution spec grammar). */
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Longest repository name accepted; clients cap `host/name` near 255 characters. */
export const MAX_REPOSITORY_NAME_LENGTH = 255;

/**
 * True for a name Wharf stores: the spec's grammar with at least two components,
 * because the first component names the project.
 */
export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && REPOSITORY_NAME.test(name) && name.includes('/');
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** The project part of a repository name. */
export function projectOf(repositoryName: string): string {
  return repositoryName.slice(0, repositoryName.indexOf('/'));
}

/** A request under /v2/ once its path is split; names are not yet validated. */
export type RegistryRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'upload-start'; name: string }
  | { kind: 'upload'; name: string; uploadId: string }
  | { kind: 'referrers'; name: string; digest: string };

const ROUTE_PATTERN =
  /^\/v2\/(.+)\/(?:(tags\/list)|manifests\/([^/]+)|blobs\/uploads(?:\/([^/]*))?|blobs\/([^/]+)|referrers\/([^/]+))$/;

/**
 * Splits a /v2/ path (without query) into a route. Paths are matched from the
 * right because a repository may contain a component named `blobs` or
 * `manifests`. Returns undefined for paths the API does not have.
 */
export function parseRegistryPath(pathname: string): RegistryRoute | undefined {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'base' };
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };

  const match = ROUTE_PATTERN.exec(pathname);
  if (!match) return undefined;

  const [, name = '', tags, reference, uploadId, blobDigest, subject] = match;
  if (tags) return { kind: 'tags', name };
  if (reference !== undefined) return { kind: 'manifest', name, reference: decodeURIComponent(reference) };
  if (uploadId) return { kind: 'upload', name, uploadId };
  if (match[0].endsWith('/blobs/uploads') || match[0].endsWith('/blobs/uploads/')) return { kind: 'upload-start', name };
  if (blobDigest !== undefined) return { kind: 'blob', name, digest: decodeURIComponent(blobDigest) };
  if (subject !== undefined) return { kind: 'referrers', name, digest: decodeURIComponent(subject) };
  return undefined;
}
