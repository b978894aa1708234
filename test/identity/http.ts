import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { sha256 } from '../support/registry-client.ts';

export { sha256 };

/** HTTP helpers for the identity tests: raw requests that keep the path as written, and a tiny image push. */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  /** Sent byte for byte: `..`, `%2e` and `//` are not normalised, unlike with fetch. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Loopback source address, such as 127.0.0.2, so one client address can be throttled alone. */
  localAddress?: string;
}

/** Sends one request to `baseUrl` and collects the whole response. */
export function send(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers,
        localAddress: request.localAddress,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export function basicAuth(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

export interface PushedImage {
  manifest: Buffer;
  digest: string;
  configDigest: string;
  layerDigest: string;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Pushes a one-layer OCI image with random content to `repository:tag`, failing on any error status. */
export async function pushImage(baseUrl: string, authorization: string, repository: string, tag: string): Promise<PushedImage> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, id: randomBytes(8).toString('hex') }));
  const layer = randomBytes(256);
  for (const blob of [config, layer]) {
    const response = await send(baseUrl, {
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`,
      headers: { authorization, 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
      body: blob,
    });
    if (response.status !== 201) throw new Error(`blob upload to ${repository} returned ${response.status}: ${response.body}`);
  }

  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const response = await send(baseUrl, {
    method: 'PUT',
    path: `/v2/${repository}/manifests/${tag}`,
    headers: { authorization, 'content-type': OCI_MANIFEST, 'content-length': String(manifest.length) },
    body: manifest,
  });
  if (response.status !== 201) throw new Error(`manifest push to ${repository}:${tag} returned ${response.status}: ${response.body}`);
  return { manifest, digest: sha256(manifest), configDigest: sha256(config), layerDigest: sha256(layer) };
}
