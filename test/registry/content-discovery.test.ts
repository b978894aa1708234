import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildImage,
  buildIndex,
  descriptorOf,
  type Descriptor,
  expectError,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryClient,
  sha256,
  type TestImage,
} from '../support/registry-client.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const UNKNOWN_DIGEST = 'sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const TYPE_A = 'application/vnd.nhl.peanut.butter.bagel';
const TYPE_B = 'application/vnd.nba.strawberry.jam.croissant';
const ANNOTATION = 'org.opencontainers.conformance.test';

interface TagList {
  name: string;
  tags: string[];
}

interface ReferrersIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: (Descriptor & { artifactType?: string; annotations?: Record<string, string> })[];
}

/** The target of a `Link: <url>; rel="next"` header. */
function nextLink(response: Response): string | undefined {
  const header = response.headers.get('link');
  if (header === null) return undefined;
  const match = /^<([^>]+)>; rel="next"$/.exec(header);
  assert.ok(match, `malformed Link header: ${header}`);
  return match[1];
}

describe('tag listing', () => {
  const repository = 'library/tags';
  const tags = ['1.0', '1.1', '2.0', 'Latest', 'latest', 'v_1', 'z'];
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    const image = buildImage();
    await client.pushImage(repository, image);
    for (const tag of [...tags].reverse()) await client.pushManifest(repository, tag, image.manifest, OCI_MANIFEST);
    await client.pushBlob('library/blobs-only', Buffer.from('only a blob'));
  });
  after(async () => {
    await wharf.close();
  });

  test('tag list is sorted', async () => {
    const response = await client.request('GET', `/v2/${repository}/tags/list`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('link'), null);
    assert.deepEqual(await response.json(), { name: repository, tags });
  });

  test('tag list pages follow Link', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=3`;
    let pages = 0;
    while (path !== undefined) {
      const response = await client.request('GET', path);
      assert.equal(response.status, 200);
      const body = (await response.json()) as TagList;
      pages += 1;
      const next = nextLink(response);
      if (next !== undefined) assert.equal(body.tags.length, 3);
      seen.push(...body.tags);
      path = next;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, tags);
  });

  test('tag list n gives exactly n', async () => {
    const response = await client.request('GET', `/v2/${repository}/tags/list?n=2`);
    assert.deepEqual(((await response.json()) as TagList).tags, ['1.0', '1.1']);
    assert.equal(nextLink(response), `/v2/${repository}/tags/list?n=2&last=1.1`);
  });

  test('tag list last is exclusive', async () => {
    const response = await client.request('GET', `/v2/${repository}/tags/list?n=2&last=2.0`);
    assert.deepEqual(((await response.json()) as TagList).tags, ['Latest', 'latest']);
    const rest = await client.getJson<TagList>(`/v2/${repository}/tags/list?last=latest`);
    assert.deepEqual(rest.tags, ['v_1', 'z']);
    const unknownLast = await client.getJson<TagList>(`/v2/${repository}/tags/list?last=1.05`);
    assert.deepEqual(unknownLast.tags, tags.slice(1));
  });

  test('tag list n=0 is empty', async () => {
    const response = await client.request('GET', `/v2/${repository}/tags/list?n=0`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('link'), null);
    assert.deepEqual(await response.json(), { name: repository, tags: [] });
  });

  test('tag list n above count', async () => {
    const response = await client.request('GET', `/v2/${repository}/tags/list?n=${tags.length}`);
    assert.equal(response.headers.get('link'), null);
    assert.deepEqual(((await response.json()) as TagList).tags, tags);
  });

  test('tag list invalid n', async () => {
    for (const n of ['-1', 'abc', '1.5', '1e3']) {
      const response = await client.request('GET', `/v2/${repository}/tags/list?n=${n}`);
      const [error] = await expectError(response, 400, 'PAGINATION_NUMBER_INVALID');
      assert.deepEqual(error?.detail, { n });
    }
  });

  test('tag list of unknown repository', async () => {
    const response = await client.request('GET', '/v2/library/unknown/tags/list');
    await expectError(response, 404, 'NAME_UNKNOWN');
  });

  test('tag list of repository without tags', async () => {
    assert.deepEqual(await client.getJson<TagList>('/v2/library/blobs-only/tags/list'), { name: 'library/blobs-only', tags: [] });
  });
});

describe('catalog', () => {
  const names = ['library/a', 'library/b', 'library/c', 'library/d', 'team/private'];
  let wharf: TestWharf;
  let client: RegistryClient;

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    await wharf.services.projects.create('team', { public: false });
    for (const name of names) await client.pushImage(name, buildImage(), 'v1');
    await client.pushBlob('library/no-manifests', Buffer.from('blob'));
  });
  after(async () => {
    await wharf.close();
  });

  test('catalog lists repositories with manifests', async () => {
    const response = await client.request('GET', '/v2/_catalog');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { repositories: names });
  });

  test('catalog pages follow Link', async () => {
    const first = await client.request('GET', '/v2/_catalog?n=2');
    assert.deepEqual(await first.json(), { repositories: ['library/a', 'library/b'] });
    const next = nextLink(first);
    assert.equal(next, '/v2/_catalog?n=2&last=library%2Fb');
    const second = await client.request('GET', next!);
    assert.deepEqual(await second.json(), { repositories: ['library/c', 'library/d'] });
    const third = await client.request('GET', nextLink(second)!);
    assert.deepEqual(await third.json(), { repositories: ['team/private'] });
    assert.equal(third.headers.get('link'), null);
  });

  test('catalog n=0 is empty', async () => {
    const response = await client.request('GET', '/v2/_catalog?n=0');
    assert.equal(response.headers.get('link'), null);
    assert.deepEqual(await response.json(), { repositories: [] });
  });

  test('catalog invalid n', async () => {
    await expectError(await client.request('GET', '/v2/_catalog?n=-2'), 400, 'PAGINATION_NUMBER_INVALID');
  });

  test('catalog hides private projects', async () => {
    const anonymous = new RegistryClient(wharf.url);
    const response = await anonymous.request('GET', '/v2/_catalog');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { repositories: names.filter((name) => name.startsWith('library/')) });
  });
});

describe('referrers', () => {
  const repository = 'library/referrers';
  let wharf: TestWharf;
  let client: RegistryClient;
  let subject: TestImage;
  let missingSubject: TestImage;
  const pushed = new Map<string, { digest: string; size: number; mediaType: string; artifactType?: string; annotation?: string }>();

  /** Pushes a referrer by digest and checks OCI-Subject in the response. */
  async function pushReferrer(name: string, body: Record<string, unknown>, mediaType: string, expectedType?: string): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await client.pushManifest(repository, sha256(bytes), bytes, mediaType);
    const subjectDigest = (body.subject as Descriptor).digest;
    assert.equal(response.headers.get('oci-subject'), subjectDigest, name);
    const annotation = (body.annotations as Record<string, string> | undefined)?.[ANNOTATION];
    pushed.set(name, { digest: sha256(bytes), size: bytes.length, mediaType, ...(expectedType ? { artifactType: expectedType } : {}), ...(annotation ? { annotation } : {}) });
  }

  before(async () => {
    wharf = await startTestWharf();
    client = new RegistryClient(wharf.url, wharf.adminAuth);
    subject = buildImage();
    missingSubject = buildImage();
    const empty = Buffer.from('{}');
    const blobA = Buffer.from('NHL Peanut Butter on my NHL bagel');
    const blobB = Buffer.from('NBA Strawberry Jam on my NBA croissant');
    for (const blob of [empty, blobA, blobB]) await client.pushBlob(repository, blob);
    const emptyDescriptor = descriptorOf(OCI_EMPTY, empty);
    const annotate = (value: string) => ({ annotations: { [ANNOTATION]: value } });
    const manifest = (fields: Record<string, unknown>) => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, ...fields });

    // Referrers pushed before their subject exists.
    await pushReferrer('A-config', manifest({ config: descriptorOf(TYPE_A, blobA), layers: [emptyDescriptor], subject: subject.descriptor, ...annotate('test config a') }), OCI_MANIFEST, TYPE_A);
    await pushReferrer('A-layer', manifest({ artifactType: TYPE_A, config: emptyDescriptor, layers: [descriptorOf(TYPE_A, blobA)], subject: subject.descriptor, ...annotate('test layer a') }), OCI_MANIFEST, TYPE_A);
    const indexBody = JSON.parse(
      buildIndex([
        { ...pushed.get('A-config')!, mediaType: OCI_MANIFEST },
        { ...pushed.get('A-layer')!, mediaType: OCI_MANIFEST },
      ]).toString(),
    );
    await pushReferrer('index', { ...indexBody, artifactType: 'application/vnd.food.stand', subject: subject.descriptor, ...annotate('test index') }, OCI_INDEX, 'application/vnd.food.stand');

    await client.pushImage(repository, subject, 'tagtest0');
    await pushReferrer('B-config', manifest({ config: descriptorOf(TYPE_B, blobB), layers: [emptyDescriptor], subject: subject.descriptor, ...annotate('test config b') }), OCI_MANIFEST, TYPE_B);
    await pushReferrer('B-layer', manifest({ artifactType: TYPE_B, config: emptyDescriptor, layers: [descriptorOf(TYPE_B, blobB)], subject: subject.descriptor, ...annotate('test layer b') }), OCI_MANIFEST, TYPE_B);
    await pushReferrer('C-layer', manifest({ artifactType: TYPE_B, config: emptyDescriptor, layers: [descriptorOf(TYPE_B, blobB)], subject: missingSubject.descriptor }), OCI_MANIFEST, TYPE_B);
  });
  after(async () => {
    await wharf.close();
  });

  async function getReferrers(path: string): Promise<{ response: Response; body: ReferrersIndex }> {
    const response = await client.request('GET', path);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), OCI_INDEX);
    const body = (await response.json()) as ReferrersIndex;
    assert.equal(body.schemaVersion, 2);
    assert.equal(body.mediaType, OCI_INDEX);
    return { response, body };
  }

  function expectDescriptors(body: ReferrersIndex, names: string[]): void {
    const byDigest = new Map(body.manifests.map((entry) => [entry.digest, entry]));
    assert.equal(byDigest.size, body.manifests.length, 'duplicate referrers');
    assert.equal(body.manifests.length, names.length);
    for (const name of names) {
      const expected = pushed.get(name)!;
      const entry = byDigest.get(expected.digest);
      assert.ok(entry, `${name} missing from referrers`);
      assert.equal(entry.mediaType, expected.mediaType, name);
      assert.equal(entry.size, expected.size, name);
      assert.equal(entry.artifactType, expected.artifactType, name);
      if (expected.annotation) assert.deepEqual(entry.annotations, { [ANNOTATION]: expected.annotation }, name);
    }
  }

  test('referrers of subject', async () => {
    const { response, body } = await getReferrers(`/v2/${repository}/referrers/${subject.digest}`);
    assert.equal(response.headers.get('oci-filters-applied'), null);
    expectDescriptors(body, ['A-config', 'A-layer', 'index', 'B-config', 'B-layer']);
  });

  test('referrers filtered by artifactType', async () => {
    const { response, body } = await getReferrers(`/v2/${repository}/referrers/${subject.digest}?artifactType=${encodeURIComponent(TYPE_A)}`);
    assert.equal(response.headers.get('oci-filters-applied'), 'artifactType');
    expectDescriptors(body, ['A-config', 'A-layer']);
  });

  test('referrers filtered by two types', async () => {
    const { response, body } = await getReferrers(`/v2/${repository}/referrers/${subject.digest}?artifactType=${TYPE_A}&artifactType=application/vnd.food.stand`);
    assert.equal(response.headers.get('oci-filters-applied'), 'artifactType');
    expectDescriptors(body, ['A-config', 'A-layer', 'index']);
  });

  test('referrers of missing subject', async () => {
    const { body } = await getReferrers(`/v2/${repository}/referrers/${missingSubject.digest}`);
    expectDescriptors(body, ['C-layer']);
  });

  test('referrers of unknown digest', async () => {
    const { body } = await getReferrers(`/v2/${repository}/referrers/${UNKNOWN_DIGEST}`);
    assert.deepEqual(body.manifests, []);
  });

  test('referrers of unknown repository', async () => {
    const { body } = await getReferrers(`/v2/library/never-pushed/referrers/${subject.digest}`);
    assert.deepEqual(body.manifests, []);
  });

  test('referrers with invalid digest', async () => {
    for (const digest of ['sha256:abc', 'not-a-digest']) {
      const response = await client.request('GET', `/v2/${repository}/referrers/${digest}`);
      await expectError(response, 400, 'DIGEST_INVALID');
    }
  });

  test('referrers drop deleted manifest', async () => {
    const extra = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example.gone', config: descriptorOf(OCI_EMPTY, Buffer.from('{}')), layers: [], subject: subject.descriptor };
    const bytes = Buffer.from(JSON.stringify(extra));
    await client.pushManifest(repository, sha256(bytes), bytes, OCI_MANIFEST);
    const before = await getReferrers(`/v2/${repository}/referrers/${subject.digest}?artifactType=application/vnd.example.gone`);
    assert.equal(before.body.manifests.length, 1);

    assert.equal((await client.request('DELETE', `/v2/${repository}/manifests/${sha256(bytes)}`)).status, 202);
    const after = await getReferrers(`/v2/${repository}/referrers/${subject.digest}?artifactType=application/vnd.example.gone`);
    assert.deepEqual(after.body.manifests, []);
  });
});
