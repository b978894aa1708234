import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { listReachableBlobs, readBlob, resolveTag, type Descriptor } from './oci-layout.ts';

/**
 * Asserts that `copyTag` in `copyLayout` is the same image as `sourceTag` in
 * `sourceLayout`: same manifest (or index) digest, and every reachable blob present
 * with identical bytes that hash to its digest. Returns the source's root descriptor.
 */
export async function assertSameImage(
  sourceLayout: string,
  sourceTag: string,
  copyLayout: string,
  copyTag: string,
): Promise<Descriptor> {
  const source = await resolveTag(sourceLayout, sourceTag);
  const copy = await resolveTag(copyLayout, copyTag);
  assert.equal(copy.digest, source.digest, 'manifest digest changed in the round trip');
  assert.equal(copy.mediaType, source.mediaType);

  const sourceBlobs = await listReachableBlobs(sourceLayout, source);
  const copyBlobs = await listReachableBlobs(copyLayout, copy);
  assert.deepEqual(
    copyBlobs.map((blob) => blob.digest),
    sourceBlobs.map((blob) => blob.digest),
  );

  for (const blob of sourceBlobs) {
    const expected = await readBlob(sourceLayout, blob.digest);
    const actual = await readBlob(copyLayout, blob.digest);
    assert.equal(actual.length, blob.size, `size of ${blob.digest}`);
    assert.equal(`sha256:${createHash('sha256').update(actual).digest('hex')}`, blob.digest, `hash of ${blob.digest}`);
    assert.ok(actual.equals(expected), `bytes of ${blob.digest} differ`);
  }
  return source;
}
