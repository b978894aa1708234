import { createHash } from 'node:crypto';
import type { BenchRegistry } from './servers.ts';

/** A small OCI Distribution client for seeding and timing, over fetch on 127.0.0.1. */

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface BlobDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function headers(registry: BenchRegistry, extra: Record<string, string> = {}): Record<string, string> {
  return registry.authorization ? { authorization: registry.authorization, ...extra } : extra;
}

async function expectStatus(response: Response, expected: number[], request: string): Promise<void> {
  if (expected.includes(response.status)) return;
  const body = await response.text().catch(() => '');
  throw new Error(`${request} returned HTTP ${response.status}, expected ${expected.join(' or ')}: ${body.slice(0, 300)}`);
}

/** Uploads `body` as a blob with POST then PUT `?digest=`, which both registries support. */
export async function uploadBlob(
  registry: BenchRegistry,
  repository: string,
  digest: string,
  body: Buffer | ReadableStream<Uint8Array>,
  size: number,
): Promise<void> {
  const started = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers(registry) });
  await expectStatus(started, [202], `POST upload to ${repository}`);
  await started.arrayBuffer();

  const location = new URL(started.headers.get('location') ?? '', registry.url);
  location.searchParams.set('digest', digest);
  const finished = await fetch(location, {
    method: 'PUT',
    headers: headers(registry, { 'content-type': 'application/octet-stream', 'content-length': String(size) }),
    body,
    duplex: 'half',
  } as RequestInit);
  await expectStatus(finished, [201], `PUT upload of ${digest} to ${repository}`);
  await finished.arrayBuffer();
}

/**
 * Makes a blob readable in `repository` by mounting it from `source`; falls back to an
 * upload of `bytes` when the registry responds to the mount with a new session (202).
 */
export async function mountBlob(registry: BenchRegistry, repository: string, source: string, digest: string, bytes: Buffer): Promise<void> {
  const query = new URLSearchParams({ mount: digest, from: source });
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/?${query}`, { method: 'POST', headers: headers(registry) });
  await response.arrayBuffer();
  if (response.status === 201) return;
  await expectStatus(response, [202], `mount of ${digest} into ${repository}`);
  await uploadBlob(registry, repository, digest, bytes, bytes.length);
}

export async function putManifest(registry: BenchRegistry, repository: string, reference: string, manifest: Buffer): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: headers(registry, { 'content-type': OCI_MANIFEST }),
    body: manifest,
  });
  await expectStatus(response, [201], `PUT manifest ${repository}:${reference}`);
  await response.arrayBuffer();
}

/** A tiny image (one config, one layer) shared by every seeded repository and tag. */
export interface TinyImage {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
}

export function buildTinyImage(): TinyImage {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from('wharf benchmark layer\n');
  const describe = (mediaType: string, bytes: Buffer): BlobDescriptor => ({ mediaType, digest: sha256Digest(bytes), size: bytes.length });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: describe('application/vnd.oci.image.config.v1+json', config),
      layers: [describe('application/vnd.oci.image.layer.v1.tar', layer)],
    }),
  );
  return { config, layer, manifest };
}

/**
 * Runs `task` for every item with at most `concurrency` in flight; rejects on the first
 * failure after the running tasks settle.
 */
export async function runPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await task(items[index]!, index);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Sends a GET and reads the body to the end; returns the elapsed milliseconds and the body. */
export async function timedGet(registry: BenchRegistry, pathAndQuery: string): Promise<{ milliseconds: number; body: string }> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${registry.url}${pathAndQuery}`, { headers: headers(registry) });
  const body = await response.text();
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.status !== 200) throw new Error(`GET ${pathAndQuery} on ${registry.label} returned HTTP ${response.status}: ${body.slice(0, 300)}`);
  return { milliseconds, body };
}

/** Downloads a blob and returns the number of bytes read. */
export async function downloadBlob(registry: BenchRegistry, repository: string, digest: string): Promise<number> {
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`, { headers: headers(registry) });
  if (response.status !== 200 || !response.body) throw new Error(`GET blob ${digest} on ${registry.label} returned HTTP ${response.status}`);
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  return bytes;
}
