/**
 * Splits an image reference that names this registry, such as
 * `wharf.example.com/library/app:1.0` or `HOST/team/app@sha256:…`, into the
 * repository and the tag or digest. Returns null when it has neither a host part
 * nor a repository.
 */
export function splitImageReference(reference: string): { repository: string; reference: string } | null {
  const slash = reference.indexOf('/');
  if (slash < 0) return null;
  const path = reference.slice(slash + 1);

  const at = path.indexOf('@');
  if (at >= 0) {
    // In `repo:tag@digest` the digest decides what is pulled.
    const name = path.slice(0, at);
    const colon = name.lastIndexOf(':');
    const repository = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
    return { repository, reference: path.slice(at + 1) };
  }

  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) return { repository: path.slice(0, colon), reference: path.slice(colon + 1) };
  // Without a tag or digest, the registry client would pull "latest".
  return { repository: path, reference: 'latest' };
}
