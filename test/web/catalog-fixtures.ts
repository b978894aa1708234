import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { buildChart, buildTar } from '../charts/support/build-chart.ts';
import {
  buildImage,
  descriptorOf,
  OCI_CONFIG,
  OCI_EMPTY,
  OCI_LAYER,
  OCI_MANIFEST,
  RegistryClient,
  sha256,
  type TestImage,
} from '../support/registry-client.ts';
import type { TestWharf } from '../support/wharf.ts';

/** Markup that would run script if the portal rendered it as HTML; each variant sets its own number. */
export function hostileMarkup(marker: number): string {
  return `<img src=x onerror="window.__injected=${marker}"><script>window.__injected=${marker + 1}</script><b>bold</b>`;
}

export const NOTATION_SIGNATURE = 'application/vnd.cncf.notary.signature';

export interface PushedImage {
  repository: string;
  tag: string;
  digest: string;
  configDigest: string;
  layerCount: number;
}

/** Build step whose command carries markup that would run script if the portal rendered it as HTML. */
export const HOSTILE_HISTORY_COMMAND = `/bin/sh -c echo ${hostileMarkup(50)}`;

/**
 * Builds an image whose two layers are real gzip-compressed tar files holding one
 * text file each, so a scanner can read them (and finds no packages). Its config
 * records a build history of three steps, one of them without a layer.
 */
function buildScannableImage(): TestImage {
  const tars = [0, 1].map((index) => buildTar([{ path: `app/file-${index}.txt`, content: randomBytes(16).toString('hex') }]));
  const layers = tars.map((tar) => gzipSync(tar));
  const diffIds = tars.map((tar) => sha256(tar));
  const history = [
    { created: '2026-03-01T10:00:00Z', created_by: 'ADD app/file-0.txt /app/', comment: 'first layer' },
    { created: '2026-03-01T10:00:01Z', created_by: 'ENV MODE=test', empty_layer: true },
    { created: '2026-03-01T10:00:02Z', created_by: HOSTILE_HISTORY_COMMAND },
  ];
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds }, history }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptorOf(OCI_CONFIG, config),
      layers: layers.map((layer) => descriptorOf(OCI_LAYER, layer)),
    }),
  );
  return { config, layers, manifest, mediaType: OCI_MANIFEST, digest: sha256(manifest), descriptor: descriptorOf(OCI_MANIFEST, manifest) };
}

/** Pushes a two-layer image and a Notation-style signature whose subject is that image. */
export async function pushSignedImage(wharf: TestWharf, repository: string, tag: string): Promise<PushedImage> {
  const client = new RegistryClient(wharf.url, wharf.adminAuth);
  const image = buildScannableImage();
  await client.pushImage(repository, image, tag);

  const signature = buildImage({
    layerCount: 1,
    configMediaType: OCI_EMPTY,
    config: Buffer.from('{}'),
    fields: { artifactType: NOTATION_SIGNATURE, subject: image.descriptor },
  });
  await client.pushImage(repository, signature);
  assert.equal(signature.mediaType, OCI_MANIFEST);
  return { repository, tag, digest: image.digest, configDigest: sha256(image.config), layerCount: 2 };
}

/**
 * Uploads chart `name` 1.0.0 to a project through the chart repository API. Its
 * description, README and a keyword carry markup, and a template names `image`.
 */
export async function uploadHostileChart(wharf: TestWharf, project: string, name: string, image: string): Promise<void> {
  const chartYaml = [
    'apiVersion: v2',
    `name: ${name}`,
    'version: 1.0.0',
    'appVersion: "2.4"',
    `description: '${hostileMarkup(10)} Web server'`,
    'keywords:',
    '  - webserver',
    `  - '<i>shiny</i>'`,
    '',
  ].join('\n');
  const readme = [
    '# Web chart',
    '',
    'Serves **static** files.',
    '',
    hostileMarkup(20),
    '',
    '[a script link](javascript:window.__injected=30)',
    '',
    '| value | default |',
    '| --- | --- |',
    '| replicas | 1 |',
    '',
  ].join('\n');
  const archive = buildChart(name, '1.0.0', {
    chartYaml,
    files: [
      { path: `${name}/README.md`, content: readme },
      { path: `${name}/templates/web.yaml`, content: `spec:\n  containers:\n    - image: "${image}"\n` },
    ],
  });
  const response = await fetch(`${wharf.url}/api/chartrepo/${project}/charts`, {
    method: 'POST',
    headers: { authorization: wharf.adminAuth, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(archive),
  });
  assert.equal(response.status, 201, await response.text());
}
