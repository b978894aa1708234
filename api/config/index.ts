import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseDuration } from '../gc/durations.ts';

/** Wharf's settings, read from the environment and an optional YAML or JSON file. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; undefined selects the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Blob storage location: a `file://` URL or a plain path. */
  storageUrl: string;
  /** Password for `admin` at first start; undefined means generate one. */
  adminPassword: string | undefined;
  externalUrl: string;
  logLevel: string;
  /** Upload sessions untouched for this many seconds are removed. */
  uploadTtlSeconds: number;
  /** Seconds between scheduled garbage collections; 0 turns the schedule off. */
  gcIntervalSeconds: number;
  /** Seconds between scheduled tag retention runs; 0 turns the schedule off. */
  retentionIntervalSeconds: number;
  /** Lifetime of registry tokens from /service/token, in seconds. */
  tokenTtlSeconds: number;
  /** True when WHARF_EXTERNAL_URL was set; otherwise the URL follows the port actually bound. */
  externalUrlConfigured: boolean;
  /** Largest manifest accepted, in bytes. */
  maxManifestBytes: number;
  /** Largest chart archive the chart repository accepts, in bytes (WHARF_CHART_MAX_BYTES). */
  chartMaxBytes: number;
  /** OpenID Connect provider whose ID tokens open sessions; undefined turns OIDC sign-in off. */
  oidc: OidcConfig | undefined;
}

/** The OpenID Connect client that the portal signs in with. */
export interface OidcConfig {
  /** Issuer URL without a trailing slash; its discovery document names the signing keys. */
  issuer: string;
  /** Client id, which ID tokens must name as their audience. */
  clientId: string;
}

/** Environment variables by name; a plain record, so tests can pass literals. */
export type Environment = Record<string, string | undefined>;

const FILE_KEYS: Record<string, string> = {
  port: 'PORT',
  dataDir: 'WHARF_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  storage: 'WHARF_STORAGE',
  adminPassword: 'WHARF_ADMIN_PASSWORD',
  externalUrl: 'WHARF_EXTERNAL_URL',
  logLevel: 'WHARF_LOG_LEVEL',
};

/**
 * Reads the configuration file named by WHARF_CONFIG (YAML or JSON, keys as in
 * FILE_KEYS). Environment variables win over the file.
 */
function readConfigFile(env: Environment): Record<string, string> {
  const file = env.WHARF_CONFIG;
  if (!file) return {};

  const parsed: unknown = YAML.parse(readFileSync(file, 'utf8'));
  if (parsed === null || typeof parsed !== 'object') {
    throw new Error(`WHARF_CONFIG file ${file} must contain a mapping of settings`);
  }

  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const variable = FILE_KEYS[key];
    if (!variable) throw new Error(`unknown setting "${key}" in ${file}; known: ${Object.keys(FILE_KEYS).join(', ')}`);
    values[variable] = String(value);
  }
  return values;
}

function parseInteger(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function parseDurationSetting(name: string, raw: string): number {
  try {
    return parseDuration(raw);
  } catch {
    throw new Error(`${name} must be a duration such as 30m, 24h or 7d (0 turns it off), got "${raw}"`);
  }
}

/**
 * Reads WHARF_OIDC_ISSUER, WHARF_OIDC_CLIENT_ID and WHARF_OIDC_CLIENT_SECRET. The
 * portal offers OIDC sign-in only when all three are set, so the API accepts ID
 * tokens under the same rule; a partial set is a mistake worth stopping for. The
 * API checks ID tokens with the provider's public keys and needs no client secret.
 */
function parseOidc(env: Environment): OidcConfig | undefined {
  const names = ['WHARF_OIDC_ISSUER', 'WHARF_OIDC_CLIENT_ID', 'WHARF_OIDC_CLIENT_SECRET'];
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return undefined;
  if (missing.length > 0) throw new Error(`OIDC sign-in needs ${names.join(', ')}; ${missing.join(', ')} not set`);

  const issuer = env.WHARF_OIDC_ISSUER!.replace(/\/+$/, '');
  try {
    new URL(issuer);
  } catch {
    throw new Error(`WHARF_OIDC_ISSUER must be an absolute URL, got "${issuer}"`);
  }
  return { issuer, clientId: env.WHARF_OIDC_CLIENT_ID! };
}

/** Builds the configuration from the environment (and WHARF_CONFIG). Throws on invalid values. */
export function loadConfig(env: Environment = process.env): Config {
  const merged: Environment = { ...readConfigFile(env), ...env };
  const port = parseInteger('PORT', merged.PORT ?? '5000', 0, 65535);
  const dataDir = path.resolve(merged.WHARF_DATA_DIR ?? './data');
  const externalUrl = (merged.WHARF_EXTERNAL_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(externalUrl);
  } catch {
    throw new Error(`WHARF_EXTERNAL_URL must be an absolute URL, got "${externalUrl}"`);
  }

  return {
    port,
    host: merged.WHARF_HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: merged.DATABASE_URL || undefined,
    storageUrl: merged.WHARF_STORAGE || path.join(dataDir, 'storage'),
    adminPassword: merged.WHARF_ADMIN_PASSWORD || undefined,
    externalUrl,
    logLevel: merged.WHARF_LOG_LEVEL ?? 'info',
    uploadTtlSeconds: parseInteger('WHARF_UPLOAD_TTL', merged.WHARF_UPLOAD_TTL ?? String(24 * 3600), 1, 365 * 24 * 3600),
    gcIntervalSeconds: parseDurationSetting('WHARF_GC_INTERVAL', merged.WHARF_GC_INTERVAL ?? '24h'),
    retentionIntervalSeconds: parseDurationSetting('WHARF_RETENTION_INTERVAL', merged.WHARF_RETENTION_INTERVAL ?? '24h'),
    tokenTtlSeconds: parseInteger('WHARF_TOKEN_TTL', merged.WHARF_TOKEN_TTL ?? '1800', 60, 24 * 3600),
    externalUrlConfigured: Boolean(merged.WHARF_EXTERNAL_URL),
    maxManifestBytes: 4 * 1024 * 1024,
    chartMaxBytes: parseInteger('WHARF_CHART_MAX_BYTES', merged.WHARF_CHART_MAX_BYTES ?? String(10 * 1024 * 1024), 1024, 1024 * 1024 * 1024),
    oidc: parseOidc(merged),
  };
}
