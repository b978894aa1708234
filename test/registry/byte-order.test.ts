import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildImage, RegistryClient } from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

describe('listing order', () => {
  let wharf: TestWharf;
  let client: RegistryClient;
  const tags = ['b', 'B', 'a', 'A', '_x', '1.0', '10', '9'];

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    const image = buildImage();
    await client.pushImage('library/ordered', image, tags[0]);
    for (const tag of tags.slice(1)) await client.pushManifest('library/ordered', tag, image.manifest, image.mediaType);
  });
  after(async () => {
    await wharf.close();
  });

  test('tags sort in byte order', async () => {
    const body = await client.getJson<{ tags: string[] }>('/v2/library/ordered/tags/list');
    assert.deepEqual(body.tags, [...tags].sort());
  });

  test('pages follow byte order', async () => {
    const first = await client.getJson<{ tags: string[] }>('/v2/library/ordered/tags/list?n=3');
    const rest = await client.getJson<{ tags: string[] }>(`/v2/library/ordered/tags/list?n=100&last=${encodeURIComponent(first.tags.at(-1)!)}`);
    assert.deepEqual([...first.tags, ...rest.tags], [...tags].sort());
  });
});
