/** Storage key of a finished blob: `blobs/sha256/ab/abcdef...`. */
export function blobKey(digest: string): string {
  const [algorithm, encoded] = digest.split(':') as [string, string];
  return `blobs/${algorithm}/${encoded.slice(0, 2)}/${encoded}`;
}

/** Storage key of an upload session's bytes. */
export function uploadKey(uploadId: string): string {
  return `uploads/${uploadId}`;
}
