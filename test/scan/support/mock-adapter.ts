// A scanner adapter for the tests that speaks Harbor's Pluggable Scanner
// Adapter API on 127.0.0.1. Like a real adapter it pulls the image manifest
// from the registry with the credentials of the scan request, and reports the
// given vulnerabilities against the image's first layer.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockVulnerability {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity: string;
}

/** One request the adapter received, for the test to check. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface ScanState {
  /** Status of the adapter's manifest pull, once it finished. */
  pullStatus?: number;
  firstLayer?: string;
  polls: number;
}

export interface MockAdapter {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts the adapter; `vulnerabilities` is what every report lists. */
export async function startMockAdapter(vulnerabilities: MockVulnerability[]): Promise<MockAdapter> {
  const requests: ReceivedRequest[] = [];
  const scans = new Map<string, ScanState>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const path = request.url ?? '';
      requests.push({ method: request.method ?? '', path, headers: request.headers, body });

      if (request.method === 'GET' && path === '/api/v1/metadata') {
        response.writeHead(200, { 'content-type': 'application/vnd.scanner.adapter.metadata+json; version=1.0' });
        response.end(
          JSON.stringify({
            scanner: { name: 'MockTrivy', vendor: 'Wharf tests', version: '0.50.0' },
            capabilities: [
              {
                consumes_mime_types: ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'],
                produces_mime_types: ['application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0'],
              },
            ],
          }),
        );
        return;
      }
      if (request.method === 'POST' && path === '/api/v1/scan') {
        const scanRequest = JSON.parse(body) as { registry: { url: string; authorization: string }; artifact: { repository: string; digest: string } };
        const id = randomUUID();
        const state: ScanState = { polls: 0 };
        scans.set(id, state);
        void pullManifest(scanRequest, state);
        response.writeHead(202, { 'content-type': 'application/vnd.scanner.adapter.scan.response+json; version=1.0' });
        response.end(JSON.stringify({ id }));
        return;
      }
      const report = /^\/api\/v1\/scan\/([^/]+)\/report$/.exec(path);
      const state = report ? scans.get(report[1]!) : undefined;
      if (request.method === 'GET' && state) {
        state.polls++;
        // The first poll is always "not ready", as a real adapter returns while it scans.
        if (state.pullStatus === undefined || state.polls === 1) {
          response.writeHead(302, { 'refresh-after': '1' });
          response.end();
          return;
        }
        if (state.pullStatus !== 200) {
          response.writeHead(500, { 'content-type': 'application/vnd.scanner.adapter.error+json; version=1.0' });
          response.end(JSON.stringify({ error: { message: `pulling the image failed with HTTP ${state.pullStatus}` } }));
          return;
        }
        response.writeHead(200, { 'content-type': 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0' });
        response.end(
          JSON.stringify({
            generated_at: new Date().toISOString(),
            scanner: { name: 'MockTrivy', vendor: 'Wharf tests', version: '0.50.0' },
            severity: 'High',
            vulnerabilities: vulnerabilities.map((item) => ({ ...item, layer: { digest: state.firstLayer } })),
          }),
        );
        return;
      }
      response.writeHead(404);
      response.end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function pullManifest(
  scanRequest: { registry: { url: string; authorization: string }; artifact: { repository: string; digest: string } },
  state: ScanState,
): Promise<void> {
  const url = `${scanRequest.registry.url}/v2/${scanRequest.artifact.repository}/manifests/${scanRequest.artifact.digest}`;
  const response = await fetch(url, {
    headers: { authorization: scanRequest.registry.authorization, accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  if (response.status === 200) {
    const manifest = (await response.json()) as { layers: { digest: string }[] };
    state.firstLayer = manifest.layers[0]?.digest;
  } else {
    await response.body?.cancel();
  }
  state.pullStatus = response.status;
}
