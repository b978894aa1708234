import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { CATALOG_ENV, type CatalogFixture, imageSize, seedCatalog } from './catalog-fixtures.ts';
import { basic, errorCode, graphql, type GraphqlResponse } from './graphql-client.ts';

type Edge<Node> = { node: Node; cursor: string };
const nodes = <Node>(connection: { edges: Edge<Node>[] }) => connection.edges.map((edge) => edge.node);

const CATALOG_PAGE = `query($project: String!) {
  repositories(project: $project, first: 50) {
    totalCount
    edges { node { name path artifactCount tagCount size pushedAt
      artifacts(first: 10) { totalCount edges { node { digest kind size tags { name immutable } scan { status critical total } } } }
    } }
  }
  project(name: $project) { name quota { limit used } }
}`;

describe('GraphQL catalog queries', () => {
  let wharf: TestWharf;
  let fixture: CatalogFixture;

  before(async () => {
    wharf = await startTestWharf(CATALOG_ENV);
    fixture = await seedCatalog(wharf);
  });
  after(async () => {
    await wharf.close();
  });

  test('catalog page lists repositories', async () => {
    const response = await graphql(wharf, CATALOG_PAGE, { project: 'pub' });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const repositories = nodes<any>(response.data?.repositories);
    assert.deepEqual(repositories.map((repository) => repository.name), ['pub/app', 'pub/multi', 'pub/web']);
    assert.equal(response.data?.repositories.totalCount, 3);

    const app = repositories[0];
    assert.equal(app.path, 'app');
    assert.equal(app.artifactCount, 3);
    assert.equal(app.tagCount, 2);
    const { pubV1, pubV2, signature } = fixture.images;
    assert.equal(app.size, imageSize(pubV1) + imageSize(pubV2) + imageSize(signature));
    const artifacts = nodes<any>(app.artifacts);
    assert.equal(app.artifacts.totalCount, 3);
    assert.deepEqual(artifacts.map((artifact) => artifact.digest), [signature.digest, pubV2.digest, pubV1.digest]);
    assert.deepEqual(artifacts.map((artifact) => artifact.kind), ['SIGNATURE', 'IMAGE', 'IMAGE']);
    assert.equal(artifacts[2].size, imageSize(pubV1));
    assert.deepEqual(artifacts[2].tags, [{ name: 'v1', immutable: false }]);
    assert.deepEqual(artifacts[2].scan, { status: 'NOT_SCANNED', critical: null, total: null });

    const quota = response.data?.project.quota;
    assert.equal(quota.limit, -1);
    assert.ok(quota.used > app.size, `usage ${quota.used} covers the repository's ${app.size} bytes`);
  });

  test('private project hidden from outsiders', async () => {
    for (const caller of [undefined, fixture.outsider]) {
      const page = await graphql(wharf, CATALOG_PAGE, { project: 'secret' }, caller);
      assert.equal(errorCode(page), 'NOT_FOUND');
      assert.equal(page.data, null);

      const repository = await graphql(wharf, '{ repository(name: "secret/app") { name } }', {}, caller);
      const missing = await graphql(wharf, '{ repository(name: "secret/none") { name } }', {}, caller);
      assert.equal(errorCode(repository), 'NOT_FOUND');
      assert.equal(repository.errors?.[0]?.message, 'repository "secret/app" not found');
      assert.equal(errorCode(missing), 'NOT_FOUND');

      const artifact = await graphql(wharf, '{ artifact(repository: "secret/app", reference: "v1") { digest } }', {}, caller);
      assert.equal(errorCode(artifact), 'NOT_FOUND');
      const chart = await graphql(wharf, '{ chart(project: "secret", name: "vault-agent") { name } }', {}, caller);
      assert.equal(errorCode(chart), 'NOT_FOUND');
      const projects = await graphql(wharf, '{ projects { edges { node { name repositories { totalCount } charts { totalCount } } } } }', {}, caller);
      assert.deepEqual(nodes<any>(projects.data?.projects).map((project) => project.name), ['library', 'pub']);
    }
  });

  test('member reads private project', async () => {
    const page = await graphql(wharf, CATALOG_PAGE, { project: 'secret' }, fixture.member);
    assert.equal(page.errors, undefined, JSON.stringify(page.errors));
    assert.deepEqual(nodes<any>(page.data?.repositories).map((repository) => repository.name), ['secret/app', 'secret/hidden-tools', 'secret/vault-agent']);
    const artifact = await graphql(wharf, '{ artifact(repository: "secret/app", reference: "v1") { digest kind repository { name project { name } } } }', {}, fixture.member);
    assert.equal(artifact.errors, undefined);
    assert.deepEqual(artifact.data?.artifact, { digest: fixture.images.secret.digest, kind: 'IMAGE', repository: { name: 'secret/app', project: { name: 'secret' } } });
  });

  test('robot sees only granted content', async () => {
    const { robot, secret } = await wharf.services.robots.create({ name: 'puller', project: 'secret', grants: [{ project: 'secret', actions: ['repository:pull'] }] });
    const asRobot = basic(robot.name, secret);

    const repositories = await graphql(wharf, '{ repositories(project: "secret") { totalCount } }', {}, asRobot);
    assert.equal(repositories.errors, undefined, JSON.stringify(repositories.errors));
    assert.equal(repositories.data?.repositories.totalCount, 3);
    const charts = await graphql(wharf, '{ charts(project: "secret") { totalCount } }', {}, asRobot);
    assert.equal(errorCode(charts), 'FORBIDDEN');
    const nested = await graphql(wharf, '{ project(name: "secret") { charts { totalCount } repositories { totalCount } } }', {}, asRobot);
    assert.deepEqual(nested.data?.project, { charts: null, repositories: { totalCount: 3 } });

    const search = await graphql(wharf, '{ search(text: "a", projects: ["secret"]) { totalCount edges { node { type name } } } }', {}, asRobot);
    assert.equal(search.errors, undefined, JSON.stringify(search.errors));
    const types = new Set(search.data?.search.edges.map((edge: { node: { type: string } }) => edge.node.type));
    assert.ok(types.has('REPOSITORY'));
    assert.equal(types.has('CHART'), false, 'a robot without chart:read finds no charts');
  });

  test('artifact by digest with layers', async () => {
    const { pubV1 } = fixture.images;
    const query = `query($digest: String!) { artifact(repository: "pub/app", reference: $digest) {
      mediaType artifactType manifestSize config { digest size } layers { digest size position }
      referrers { digest kind subjectDigest subject { digest } } } }`;
    const response = await graphql(wharf, query, { digest: pubV1.digest });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const artifact = response.data?.artifact;
    assert.equal(artifact.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(artifact.artifactType, 'application/vnd.oci.image.config.v1+json');
    assert.equal(artifact.manifestSize, pubV1.manifest.length);
    assert.equal(artifact.config.size, pubV1.config.length);
    assert.deepEqual(artifact.layers.map((layer: { size: number }) => layer.size), pubV1.layers.map((layer) => layer.length));
    assert.deepEqual(artifact.layers.map((layer: { position: number }) => layer.position), [1, 2]);
    assert.deepEqual(artifact.referrers, [
      { digest: fixture.images.signature.digest, kind: 'SIGNATURE', subjectDigest: pubV1.digest, subject: { digest: pubV1.digest } },
    ]);

    const missing = await graphql(wharf, '{ artifact(repository: "pub/app", reference: "v9") { digest } }');
    assert.equal(errorCode(missing), 'NOT_FOUND');
  });

  test('index lists its platforms', async () => {
    const response = await graphql(wharf, '{ artifact(repository: "pub/multi", reference: "latest") { digest kind layers { digest } platforms { os architecture variant digest size } } }');
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const artifact = response.data?.artifact;
    assert.equal(artifact.digest, fixture.indexDigest);
    assert.equal(artifact.kind, 'IMAGE_INDEX');
    assert.deepEqual(artifact.layers, []);
    assert.deepEqual(artifact.platforms, [
      { os: 'linux', architecture: 'amd64', variant: null, digest: fixture.images.amd.digest, size: fixture.images.amd.manifest.length },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: fixture.images.arm.digest, size: fixture.images.arm.manifest.length },
    ]);
  });

  test('artifacts filter by kind', async () => {
    const query = 'query($kind: ArtifactKind) { artifacts(repository: "pub/multi", kind: $kind) { totalCount edges { node { kind } } } }';
    const images = await graphql(wharf, query, { kind: 'IMAGE' });
    assert.equal(images.data?.artifacts.totalCount, 2);
    const indexes = await graphql(wharf, query, { kind: 'IMAGE_INDEX' });
    assert.deepEqual(nodes<any>(indexes.data?.artifacts), [{ kind: 'IMAGE_INDEX' }]);
    const charts = await graphql(wharf, '{ artifacts(repository: "pub/web") { edges { node { kind tags { name } } } } }');
    assert.deepEqual(nodes<any>(charts.data?.artifacts).map((node) => node.kind), ['CHART', 'CHART']);
  });

  test('repositories sort and page', async () => {
    const query = `query($sort: RepositorySort, $order: SortOrder, $after: String) {
      repositories(project: "pub", first: 2, sort: $sort, order: $order, after: $after) {
        totalCount edges { node { name size } } pageInfo { hasNextPage endCursor } } }`;
    const collect = async (sort: string, order?: string) => {
      const names: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 5; page += 1) {
        const response: GraphqlResponse = await graphql(wharf, query, { sort, order, after: cursor });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        for (const node of nodes<any>(response.data?.repositories)) {
          names.push(node.name);
          sizes.push(node.size);
        }
        if (!response.data?.repositories.pageInfo.hasNextPage) break;
        cursor = response.data?.repositories.pageInfo.endCursor;
      }
      return { names, sizes };
    };

    assert.deepEqual((await collect('NAME')).names, ['pub/app', 'pub/multi', 'pub/web']);
    assert.deepEqual((await collect('NAME', 'DESC')).names, ['pub/web', 'pub/multi', 'pub/app']);
    const bySize = await collect('SIZE');
    assert.equal(bySize.names.length, 3);
    assert.deepEqual(bySize.sizes, [...bySize.sizes].sort((left, right) => right - left));
    const byPush = await collect('PUSHED_AT');
    assert.equal(byPush.names[0], 'pub/web');

    const filtered = await graphql(wharf, '{ repositories(project: "pub", query: "mul") { totalCount edges { node { name } } } }');
    assert.deepEqual(nodes<any>(filtered.data?.repositories), [{ name: 'pub/multi' }]);
    assert.equal(filtered.data?.repositories.totalCount, 1);

    const foreignCursor = await graphql(wharf, query, { sort: 'SIZE', after: Buffer.from('repository.NAME.ASC:1|pub/app').toString('base64url') });
    assert.equal(errorCode(foreignCursor), 'BAD_USER_INPUT');
    const badValue = await graphql(wharf, query, { sort: 'SIZE', after: Buffer.from('repository.SIZE.DESC:1|not-a-number').toString('base64url') });
    assert.equal(errorCode(badValue), 'BAD_USER_INPUT');
  });

  test('chart with versions and details', async () => {
    const query = `{ chart(project: "pub", name: "web") {
      name versionCount project { name }
      latestVersion { version appVersion apiVersion description keywords maintainers { name email } digest hasProvenance source
        readme values dependencies { name version repository condition }
        images { reference inWharf } artifact { kind tags { name } } }
      versions(first: 1) { totalCount edges { node { version } } pageInfo { hasNextPage endCursor } } } }`;
    for (const [caller, secretVisible] of [[fixture.member, true], [fixture.outsider, false]] as const) {
      const response = await graphql(wharf, query, {}, caller);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const chart = response.data?.chart;
      assert.equal(chart.versionCount, 2);
      const latest = chart.latestVersion;
      assert.equal(latest.version, '1.0.0');
      assert.equal(latest.appVersion, '2.4');
      assert.deepEqual(latest.keywords, ['frontend', 'nginx']);
      assert.deepEqual(latest.maintainers, [{ name: 'Ops Team', email: 'ops@example.com' }]);
      assert.match(latest.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(latest.source, 'upload');
      assert.match(latest.readme, /Install with helm/);
      assert.match(latest.values, /replicas: 2/);
      assert.deepEqual(latest.dependencies, [{ name: 'redis', version: '>=17.0.0', repository: 'https://charts.example.com', condition: 'redis.enabled' }]);
      assert.deepEqual(latest.images, [
        { reference: 'wharf.test:5000/pub/app:v1', inWharf: true },
        { reference: 'wharf.test:5000/secret/app:v1', inWharf: secretVisible },
      ]);
      assert.deepEqual(latest.artifact, { kind: 'CHART', tags: [{ name: '1.0.0' }] });
      assert.deepEqual(nodes<any>(chart.versions), [{ version: '1.1.0-rc.1' }]);
      assert.equal(chart.versions.pageInfo.hasNextPage, true);
    }
  });

  test('charts list with keyword filter', async () => {
    const response = await graphql(wharf, '{ charts(project: "pub", query: "NGINX") { totalCount edges { node { name } } } }');
    assert.equal(response.errors, undefined);
    assert.deepEqual(nodes<any>(response.data?.charts), [{ name: 'web' }]);
    const none = await graphql(wharf, '{ charts(project: "pub", query: "vault") { totalCount } }');
    assert.equal(none.data?.charts.totalCount, 0);
  });

  test('search scopes and facets', async () => {
    const query = `query($text: String!, $types: [SearchHitType!], $projects: [String!]) {
      search(text: $text, types: $types, projects: $projects) {
        totalCount facets { types { value count } projects { value count } }
        edges { node { type projectName name tag matchedKeyword repository { name } artifact { digest } chart { name } } } } }`;

    const anonymous = await graphql(wharf, query, { text: 'a' });
    assert.equal(anonymous.errors, undefined, JSON.stringify(anonymous.errors));
    const anonymousHits = nodes<any>(anonymous.data?.search);
    assert.ok(anonymousHits.length > 0);
    assert.ok(anonymousHits.every((hit) => hit.projectName === 'pub'), 'anonymous search returns only public matches');
    assert.deepEqual(anonymous.data?.search.facets.projects.map((facet: { value: string }) => facet.value), ['pub']);

    const member = await graphql(wharf, query, { text: 'frontend' }, fixture.member);
    assert.deepEqual(
      nodes<any>(member.data?.search).map((hit) => [hit.type, hit.name, hit.matchedKeyword]),
      [['CHART', 'pub/web', 'frontend'], ['CHART', 'secret/vault-agent', 'frontend']],
    );
    const outsider = await graphql(wharf, query, { text: 'frontend' }, fixture.outsider);
    assert.deepEqual(nodes<any>(outsider.data?.search).map((hit) => hit.name), ['pub/web']);
    assert.equal(outsider.data?.search.totalCount, 1);

    const hidden = await graphql(wharf, query, { text: 'hidden', projects: ['secret'] }, fixture.outsider);
    assert.equal(hidden.data?.search.totalCount, 0);
    assert.deepEqual(hidden.data?.search.facets, { types: [], projects: [] });

    const tags = await graphql(wharf, query, { text: 'v1', types: ['TAG'] }, fixture.member);
    const tagHits = nodes<any>(tags.data?.search);
    assert.deepEqual(tagHits.map((hit) => hit.name), ['pub/app:v1', 'secret/app:v1']);
    assert.deepEqual(tagHits[0].artifact, { digest: fixture.images.pubV1.digest });
    assert.equal(tagHits[0].tag, 'v1');
    const typeFacets = tags.data?.search.facets.types as { value: string; count: number }[];
    assert.ok(typeFacets.some((facet) => facet.value === 'TAG' && facet.count === 2));

    const images = await graphql(wharf, query, { text: 'web' });
    assert.deepEqual(nodes<any>(images.data?.search).map((hit) => [hit.type, hit.name]), [['REPOSITORY', 'pub/web'], ['CHART', 'pub/web']]);

    const empty = await graphql(wharf, query, { text: '  ' });
    assert.equal(errorCode(empty), 'BAD_USER_INPUT');
  });

  test('search pages with cursors', async () => {
    const query = 'query($after: String) { search(text: "p", first: 2, after: $after) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }';
    const seen: string[] = [];
    let cursor: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page += 1) {
      const response: GraphqlResponse = await graphql(wharf, query, { after: cursor }, fixture.member);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      total = response.data?.search.totalCount;
      seen.push(...nodes<any>(response.data?.search).map((node) => node.name));
      if (!response.data?.search.pageInfo.hasNextPage) break;
      cursor = response.data?.search.pageInfo.endCursor;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, seen.length);
  });
});
