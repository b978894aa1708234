import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';

/** A small OCI Distribution client over fetch, for protocol tests against a Wharf on loopback. */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  [field: string]: unknown;
}

/** One registry error as the OCI error body carries it. */
export interface RegistryErrorEntry {
  code: string;
  message: string;
  detail: unknown;
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function descriptorOf(mediaType: string, bytes: Buffer): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.length };
}

/** An image built in memory: config and layer bytes, and the manifest bytes that reference them. */
export interface TestImage {
  config: Buffer;
  layers: Buffer[];
  manifest: Buffer;
  mediaType: string;
  digest: string;
  descriptor: Descriptor;
}

export interface ImageOptions {
  layerCount?: number;
  /** Manifest format; OCI by default. */
  format?: 'oci' | 'docker';
  /** Leave `mediaType` out of the manifest body, as Helm does. */
  omitMediaType?: boolean;
  /** Extra top-level manifest fields, such as `subject`, `artifactType` or unknown ones. */
  fields?: Record<string, unknown>;
  /** Config media type, to build artifacts. */
  configMediaType?: string;
  /** Config bytes; a random image config by default. */
  config?: Buffer;
}

/**
 * Builds an image with a random config and random layers, so every call has new
 * digests. The manifest is tab-indented JSON, like the conformance suite's.
 */
export function buildImage(options: ImageOptions = {}): TestImage {
  const docker = options.format === 'docker';
  const config =
    options.config ??
    Buffer.from(
      JSON.stringify({ author: randomBytes(8).toString('hex'), architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    );
  const layers = Array.from({ length: options.layerCount ?? 1 }, () => randomBytes(64 + Math.floor(Math.random() * 512)));
  const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;

  const body: Record<string, unknown> = { schemaVersion: 2 };
  if (!options.omitMediaType) body.mediaType = mediaType;
  body.config = descriptorOf(options.configMediaType ?? (docker ? DOCKER_CONFIG : OCI_CONFIG), config);
  body.layers = layers.map((layer) => descriptorOf(docker ? DOCKER_LAYER : OCI_LAYER, layer));
  Object.assign(body, options.fields);

  const manifest = Buffer.from(JSON.stringify(body, null, '\t'));
  return { config, layers, manifest, mediaType, digest: sha256(manifest), descriptor: descriptorOf(mediaType, manifest) };
}

/** Builds index bytes over the given manifest descriptors. */
export function buildIndex(manifests: Descriptor[], options: { format?: 'oci' | 'docker'; fields?: Record<string, unknown> } = {}): Buffer {
  const mediaType = options.format === 'docker' ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  const entries = manifests.map((manifest) => ({ ...manifest, platform: { architecture: 'amd64', os: 'linux' } }));
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries, ...options.fields }));
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Uint8Array | string | ReadableStream<Uint8Array>;
  /** Send without the client's Authorization header. */
  anonymous?: boolean;
}

/** Talks to one registry with one set of credentials. */
export class RegistryClient {
  constructor(
    readonly baseUrl: string,
    readonly authorization?: string,
  ) {}

  /** Resolves a path or a Location header value against the registry. */
  url(pathOrLocation: string): URL {
    return new URL(pathOrLocation, this.baseUrl);
  }

  async request(method: string, pathOrLocation: string | URL, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.authorization && !options.anonymous) headers.authorization = this.authorization;
    const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: 'manual' };
    if (options.body !== undefined) {
      init.body = options.body;
      if (options.body instanceof ReadableStream) init.duplex = 'half';
    }
    return fetch(typeof pathOrLocation === 'string' ? this.url(pathOrLocation) : pathOrLocation, init);
  }

  /** Starts an upload session and returns its Location resolved against the registry. */
  async startUpload(repository: string): Promise<URL> {
    const response = await this.request('POST', `/v2/${repository}/blobs/uploads/`);
    await expectStatus(response, 202, `POST upload in ${repository}`);
    const location = response.headers.get('location');
    assert.ok(location, 'POST upload returned no Location');
    return this.url(location);
  }

  /** Pushes a blob with POST then PUT `?digest=` and returns its digest. */
  async pushBlob(repository: string, bytes: Buffer): Promise<string> {
    const digest = sha256(bytes);
    const location = await this.startUpload(repository);
    location.searchParams.set('digest', digest);
    const response = await this.request('PUT', location, { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    await expectStatus(response, 201, `PUT blob ${digest} in ${repository}`);
    return digest;
  }

  async putManifest(repository: string, reference: string, bytes: Buffer, contentType?: string): Promise<Response> {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    return this.request('PUT', `/v2/${repository}/manifests/${reference}`, { headers, body: bytes });
  }

  /** Pushes a manifest and raises unless it was created. */
  async pushManifest(repository: string, reference: string, bytes: Buffer, contentType: string): Promise<Response> {
    const response = await this.putManifest(repository, reference, bytes, contentType);
    await expectStatus(response, 201, `PUT manifest ${reference} in ${repository}`);
    return response;
  }

  /** Pushes an image's config, layers and manifest; `reference` defaults to the digest. */
  async pushImage(repository: string, image: TestImage, reference = image.digest): Promise<Response> {
    await this.pushBlob(repository, image.config);
    for (const layer of image.layers) await this.pushBlob(repository, layer);
    return this.pushManifest(repository, reference, image.manifest, image.mediaType);
  }

  async getJson<T>(path: string): Promise<T> {
    const response = await this.request('GET', path);
    await expectStatus(response, 200, `GET ${path}`);
    return (await response.json()) as T;
  }
}

/** Asserts the status; on a mismatch the message carries the response body. */
export async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status === status) return;
  const body = await response.text().catch(() => '');
  assert.fail(`${what}: expected HTTP ${status}, got ${response.status}: ${body.slice(0, 500)}`);
}

/**
 * Asserts an OCI error response: the status, a JSON body of the form
 * `{"errors":[{code,message,detail}]}`, and `code` on its first entry.
 * Returns the entries for further checks.
 */
export async function expectError(response: Response, status: number, code: string): Promise<RegistryErrorEntry[]> {
  const text = await response.text();
  assert.equal(response.status, status, `expected HTTP ${status} ${code}, got ${response.status}: ${text.slice(0, 500)}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);

  const body = JSON.parse(text) as { errors?: unknown };
  assert.deepEqual(Object.keys(body), ['errors'], `error body has other fields: ${text}`);
  assert.ok(Array.isArray(body.errors), `error body has no errors array: ${text}`);
  assert.ok(body.errors.length > 0, `error body has no errors: ${text}`);
  for (const entry of body.errors as Record<string, unknown>[]) {
    assert.match(String(entry.code), /^[A-Z_]+$/);
    assert.equal(typeof entry.message, 'string');
    assert.ok('detail' in entry, `error entry has no detail: ${JSON.stringify(entry)}`);
  }
  const entries = body.errors as RegistryErrorEntry[];
  assert.equal(entries[0]?.code, code, `expected ${code}: ${text}`);
  return entries;
}

/** Reads a stream or response body into one buffer. */
export async function readBytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}
