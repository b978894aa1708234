import { buildArchive } from '../charts/support/build-chart.ts';
import { buildImage, buildIndex, RegistryClient, sha256, type TestImage } from '../support/registry-client.ts';
import type { TestWharf } from '../support/wharf.ts';
import { basic } from './graphql-client.ts';

/** Host in WHARF_EXTERNAL_URL of catalog tests, so chart image references can name this Wharf. */
export const WHARF_HOST = 'wharf.test:5000';
export const CATALOG_ENV = { WHARF_EXTERNAL_URL: `http://${WHARF_HOST}` };

export interface CatalogFixture {
  client: RegistryClient;
  /** Authorization of a developer of "secret" and of a signed-in user with no membership. */
  member: string;
  outsider: string;
  images: { pubV1: TestImage; pubV2: TestImage; secret: TestImage; arm: TestImage; amd: TestImage; signature: TestImage };
  indexDigest: string;
}

/** Bytes of a manifest plus the config and layers it references. */
export function imageSize(image: TestImage): number {
  return image.manifest.length + image.config.length + image.layers.reduce((sum, layer) => sum + layer.length, 0);
}

/** Builds a chart archive whose values and templates reference the given images. */
export function buildChartWithImages(name: string, version: string, options: { keywords?: string[]; valueImage: string; templateImage: string }): Buffer {
  const keywords = options.keywords ? `keywords:\n${options.keywords.map((keyword) => `  - ${keyword}`).join('\n')}\n` : '';
  const chartYaml = [
    'apiVersion: v2',
    `name: ${name}`,
    `version: ${version}`,
    'appVersion: "2.4"',
    `description: Chart ${name} for catalog tests`,
    'maintainers:\n  - name: Ops Team\n    email: ops@example.com',
    'dependencies:\n  - name: redis\n    version: ">=17.0.0"\n    repository: https://charts.example.com\n    condition: redis.enabled',
  ].join('\n');
  return buildArchive([
    { path: `${name}/Chart.yaml`, content: `${chartYaml}\n${keywords}` },
    { path: `${name}/README.md`, content: `# ${name}\n\nInstall with helm.\n` },
    { path: `${name}/values.yaml`, content: `image: "${options.valueImage}"\nreplicas: 2\n` },
    { path: `${name}/templates/deployment.yaml`, content: `spec:\n  containers:\n    - image: "${options.templateImage}"\n` },
    { path: `${name}/charts/redis/Chart.yaml`, content: 'apiVersion: v2\nname: redis\nversion: 17.1.0\n' },
  ]);
}

/**
 * Fills a test Wharf with a public project "pub" and a private project
 * "secret": images, an index with two platforms, a signature referring to an
 * image, and a chart in each project.
 */
export async function seedCatalog(wharf: TestWharf): Promise<CatalogFixture> {
  const { services } = wharf;
  await services.projects.create('pub', { public: true });
  const secret = await services.projects.create('secret', { public: false });
  const memberUser = await services.users.create({ username: 'member', password: 'member-password' });
  await services.members.add(secret.id, memberUser.id, 'developer');
  await services.users.create({ username: 'outsider', password: 'outsider-password' });

  const client = new RegistryClient(wharf.url, wharf.adminAuth);
  const pubV1 = buildImage({ layerCount: 2 });
  const pubV2 = buildImage({ layerCount: 1 });
  const secretImage = buildImage({ layerCount: 1 });
  await client.pushImage('pub/app', pubV1, 'v1');
  await client.pushImage('pub/app', pubV2, 'v2');
  await client.pushImage('secret/app', secretImage, 'v1');
  await client.pushImage('secret/hidden-tools', buildImage(), 'release-1');

  const amd = buildImage();
  const arm = buildImage();
  await client.pushImage('pub/multi', amd);
  await client.pushImage('pub/multi', arm);
  const index = buildIndex([amd.descriptor, arm.descriptor]);
  const indexBody = JSON.parse(index.toString()) as { manifests: { platform: Record<string, string> }[] };
  indexBody.manifests[1]!.platform = { architecture: 'arm64', os: 'linux', variant: 'v8' };
  const indexBytes = Buffer.from(JSON.stringify(indexBody));
  await client.pushManifest('pub/multi', 'latest', indexBytes, 'application/vnd.oci.image.index.v1+json');

  const signature = buildImage({
    configMediaType: 'application/vnd.oci.empty.v1+json',
    config: Buffer.from('{}'),
    fields: { artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', subject: pubV1.descriptor },
  });
  await client.pushImage('pub/app', signature);

  await services.charts.upload(
    'pub',
    buildChartWithImages('web', '1.0.0', { keywords: ['frontend', 'nginx'], valueImage: `${WHARF_HOST}/pub/app:v1`, templateImage: `${WHARF_HOST}/secret/app:v1` }),
    { force: false },
  );
  await services.charts.upload('pub', buildChartWithImages('web', '1.1.0-rc.1', { valueImage: 'nginx:1.25', templateImage: 'busybox:1.36' }), { force: false });
  await services.charts.upload('secret', buildChartWithImages('vault-agent', '0.3.0', { keywords: ['frontend'], valueImage: 'vault:1', templateImage: 'busybox:1' }), { force: false });

  return {
    client,
    member: basic('member', 'member-password'),
    outsider: basic('outsider', 'outsider-password'),
    images: { pubV1, pubV2, secret: secretImage, arm, amd, signature },
    indexDigest: sha256(indexBytes),
  };
}
