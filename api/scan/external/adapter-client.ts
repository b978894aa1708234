/**
 * HTTP client of Harbor's Pluggable Scanner Adapter API, version 1.0 and 1.1
 * (goharbor/pluggable-scanner-spec, api/spec/scanner-adapter-openapi-v1.*.yaml):
 * `GET /api/v1/metadata`, `POST /api/v1/scan`, and `GET /api/v1/scan/{id}/report`,
 * which returns 302 with `Refresh-After` (seconds) until the report is ready.
 */

export const METADATA_MEDIA_TYPE = 'application/vnd.scanner.adapter.metadata+json; version=1.0';
export const SCAN_REQUEST_MEDIA_TYPE = 'application/vnd.scanner.adapter.scan.request+json; version=1.0';
export const HARBOR_REPORT_MEDIA_TYPE = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';

/** Adapter metadata: the scanner and what it consumes and produces. */
export interface AdapterMetadata {
  scanner: { name?: string; vendor?: string; version?: string };
  capabilities: { consumes_mime_types: string[]; produces_mime_types: string[] }[];
  properties?: Record<string, string>;
}

/** The request body of `POST /scan`. */
export interface AdapterScanRequest {
  registry: { url: string; authorization: string };
  artifact: { repository: string; digest: string; tag?: string; mime_type: string };
}

/** One vulnerability of a Harbor report; `layer` and `preferred_cvss` are version 1.1 fields. */
export interface AdapterVulnerability {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity?: string;
  description?: string;
  links?: string[];
  layer?: { digest?: string };
  preferred_cvss?: { score_v3?: number; vector_v3?: string };
}

export interface AdapterReport {
  generated_at?: string;
  scanner?: { name?: string; vendor?: string; version?: string };
  severity?: string;
  vulnerabilities?: AdapterVulnerability[];
}

/** Adapter base URL and the credentials Wharf sends to it. */
export interface AdapterEndpoint {
  /** Base URL without `/api/v1`, such as `http://trivy-adapter:8080`. */
  url: string;
  /** Authorization header value for the adapter, if it needs one. */
  authorization?: string;
}

/** Maximum wait between two report polls, whatever Refresh-After requests, in seconds. */
const MAX_REFRESH_SECONDS = 30;

export class ScannerAdapterClient {
  constructor(private readonly endpoint: AdapterEndpoint) {}

  async metadata(): Promise<AdapterMetadata> {
    const response = await this.#fetch('/metadata', { headers: { accept: METADATA_MEDIA_TYPE } });
    if (response.status !== 200) throw await adapterError('GET /metadata', response);
    return (await response.json()) as AdapterMetadata;
  }

  /** Submits a scan and returns the adapter's scan request id. */
  async requestScan(body: AdapterScanRequest): Promise<string> {
    const response = await this.#fetch('/scan', {
      method: 'POST',
      headers: { 'content-type': SCAN_REQUEST_MEDIA_TYPE, accept: 'application/vnd.scanner.adapter.scan.response+json; version=1.0' },
      body: JSON.stringify(body),
    });
    if (response.status !== 202) throw await adapterError('POST /scan', response);
    const { id } = (await response.json()) as { id?: unknown };
    if (typeof id !== 'string' || id === '') throw new Error('scanner adapter accepted the scan but returned no id');
    return id;
  }

  /** Polls the report until it is ready or `deadline` (epoch milliseconds) passes. */
  async waitForReport(scanId: string, deadline: number): Promise<AdapterReport> {
    for (;;) {
      const response = await this.#fetch(`/scan/${encodeURIComponent(scanId)}/report`, { headers: { accept: HARBOR_REPORT_MEDIA_TYPE }, redirect: 'manual' });
      if (response.status === 200) return (await response.json()) as AdapterReport;
      if (response.status !== 302) throw await adapterError(`GET /scan/${scanId}/report`, response);

      await response.body?.cancel();
      const refreshSeconds = Math.min(Math.max(Number(response.headers.get('refresh-after')) || 1, 0.1), MAX_REFRESH_SECONDS);
      if (Date.now() + refreshSeconds * 1000 > deadline) throw new Error(`scanner adapter report ${scanId} was not ready in time`);
      await new Promise((resolve) => setTimeout(resolve, refreshSeconds * 1000));
    }
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.endpoint.authorization) headers.set('authorization', this.endpoint.authorization);
    const url = `${this.endpoint.url.replace(/\/+$/, '')}/api/v1${path}`;
    try {
      return await fetch(url, { ...init, headers });
    } catch (error) {
      throw new Error(`scanner adapter at ${this.endpoint.url} is unreachable: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function adapterError(operation: string, response: Response): Promise<Error> {
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    if (parsed.error?.message) message = parsed.error.message;
  } catch {
    // Not the adapter's JSON error format: keep the raw text.
  }
  return new Error(`scanner adapter ${operation} failed with HTTP ${response.status}${message ? `: ${message}` : ''}`);
}
