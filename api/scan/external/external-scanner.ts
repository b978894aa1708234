/**
 * A scanner that speaks Harbor's Pluggable Scanner Adapter API, such as
 * harbor-scanner-trivy. Wharf sends the image reference and a short-lived pull
 * token, the adapter pulls the image itself, and its report becomes Wharf's.
 */
import type { Prisma } from '../../db/client.ts';
import type { Finding } from '../match.ts';
import { summarizeFindings } from '../match.ts';
import type { ScanOutcome } from '../reports/report-store.ts';
import type { ImageScanner, ScanTarget } from '../scan-service.ts';
import { compareSeverities, severitiesBySeverity, type Severity } from '../severity.ts';
import { type AdapterEndpoint, type AdapterVulnerability, HARBOR_REPORT_MEDIA_TYPE, ScannerAdapterClient } from './adapter-client.ts';
import type { ScannerCredentials } from './scanner-credentials.ts';

const EXTERNAL_SCANNER_KEY = 'scan.externalScanner';

/** Maximum wait for an adapter's report, in milliseconds. */
const REPORT_TIMEOUT_MS = 10 * 60 * 1000;

/** Reads and stores the external scanner setting (system-wide). */
export class ExternalScannerSetting {
  constructor(private readonly prisma: Prisma) {}

  async get(): Promise<AdapterEndpoint | undefined> {
    const setting = await this.prisma.systemSetting.findUnique({ where: { key: EXTERNAL_SCANNER_KEY } });
    const value = setting?.value as { url?: unknown; authorization?: unknown } | undefined;
    if (!value || typeof value.url !== 'string') return undefined;
    return { url: value.url, ...(typeof value.authorization === 'string' ? { authorization: value.authorization } : {}) };
  }

  /** Sets the adapter every scan uses; undefined returns to the built-in scanner. */
  async set(endpoint: AdapterEndpoint | undefined): Promise<void> {
    if (!endpoint) {
      await this.prisma.systemSetting.deleteMany({ where: { key: EXTERNAL_SCANNER_KEY } });
      return;
    }
    const url = new URL(endpoint.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`invalid scanner adapter URL "${endpoint.url}": use http or https`);
    const value = { url: endpoint.url.replace(/\/+$/, ''), ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) };
    await this.prisma.systemSetting.upsert({ where: { key: EXTERNAL_SCANNER_KEY }, create: { key: EXTERNAL_SCANNER_KEY, value }, update: { value } });
  }
}

export class ExternalScanner implements ImageScanner {
  readonly name: string;
  readonly #client: ScannerAdapterClient;

  constructor(
    private readonly endpoint: AdapterEndpoint,
    private readonly credentials: ScannerCredentials,
    private readonly registryUrl: () => string,
  ) {
    this.name = `external:${endpoint.url}`;
    this.#client = new ScannerAdapterClient(endpoint);
  }

  async scan(target: ScanTarget, startedAt: Date): Promise<ScanOutcome> {
    const metadata = await this.#client.metadata();
    const capable = metadata.capabilities.some(
      (capability) => capability.consumes_mime_types.includes(target.mediaType) && capability.produces_mime_types.includes(HARBOR_REPORT_MEDIA_TYPE),
    );
    if (!capable) throw new Error(`scanner adapter ${this.endpoint.url} cannot scan ${target.mediaType} into a Harbor vulnerability report`);

    const scanId = await this.#client.requestScan({
      registry: { url: this.registryUrl(), authorization: await this.credentials.authorizationFor(target.repository.name) },
      artifact: { repository: target.repository.name, digest: target.digest, mime_type: target.mediaType },
    });
    const report = await this.#client.waitForReport(scanId, Date.now() + REPORT_TIMEOUT_MS);
    const findings = (report.vulnerabilities ?? []).map(toFinding);
    findings.sort((a, b) => compareSeverities(b.severity, a.severity) || a.packageName.localeCompare(b.packageName) || a.advisoryId.localeCompare(b.advisoryId));

    return {
      scanner: metadata.scanner.name ?? this.name,
      scannerVersion: metadata.scanner.version ?? 'unknown',
      startedAt,
      findings,
      summary: summarizeFindings(findings),
    };
  }
}

function toFinding(item: AdapterVulnerability): Finding {
  const severity = severitiesBySeverity.find((level) => level === item.severity) ?? ('Unknown' as Severity);
  return {
    advisoryId: item.id,
    aliases: [],
    summary: (item.description ?? '').split('\n')[0]!.slice(0, 200),
    packageName: item.package,
    // NOTE: the adapter report names no ecosystem, so external findings carry an empty one.
    ecosystem: '',
    installedVersion: item.version,
    ...(item.fix_version ? { fixedVersion: item.fix_version } : {}),
    severity,
    ...(item.preferred_cvss?.score_v3 !== undefined ? { cvssScore: item.preferred_cvss.score_v3, cvssVector: item.preferred_cvss.vector_v3 } : {}),
    layerDigest: item.layer?.digest ?? '',
    path: '',
  };
}
