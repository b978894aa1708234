import YAML from 'yaml';

/**
 * A strict re-implementation of how Helm's client loads index.yaml
 * (pkg/repo/v1/index.go and pkg/chart/v2/metadata.go in helm/helm): the rules
 * Wharf's index must pass. `loadHelmIndex` raises where Helm fails the whole
 * index and lists the entries Helm would skip with a warning.
 */
export interface LoadedIndex {
  format: 'json' | 'yaml';
  apiVersion: string;
  entries: Record<string, Record<string, unknown>[]>;
  /** Entries Helm drops with "skipping loading invalid entry". */
  skipped: string[];
}

const TOP_LEVEL_KEYS = new Set(['apiVersion', 'generated', 'entries', 'serverInfo', 'publicKeys', 'annotations']);
const METADATA_STRING_KEYS = ['name', 'home', 'version', 'description', 'icon', 'apiVersion', 'condition', 'tags', 'appVersion', 'kubeVersion', 'type'];
const VERSION_KEYS = new Set([
  ...METADATA_STRING_KEYS,
  'sources', 'keywords', 'maintainers', 'deprecated', 'annotations', 'dependencies',
  'urls', 'created', 'removed', 'digest',
  // Legacy keys declared so old indexes still decode strictly.
  'checksum', 'engine', 'tillerVersion', 'url',
]);
const MAINTAINER_KEYS = new Set(['name', 'email', 'url']);
const DEPENDENCY_KEYS = new Set(['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias']);
/** Masterminds semver v3 NewVersion, the parser Helm uses: optional `v`, one to three parts, no leading zeros in numeric pre-release identifiers. */
const MASTERMINDS_SEMVER = /^v?(0|[1-9]\d*|\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const ALIAS = /^[a-zA-Z0-9_-]+$/;

function fail(message: string): never {
  throw new Error(`helm would refuse the index: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkType(value: unknown, type: 'string' | 'boolean' | 'stringList' | 'stringMap' | 'time', where: string): void {
  if (value === undefined || value === null) return;
  const ok =
    type === 'string' ? typeof value === 'string'
    : type === 'boolean' ? typeof value === 'boolean'
    : type === 'stringList' ? Array.isArray(value) && value.every((item) => typeof item === 'string')
    : type === 'stringMap' ? isRecord(value) && Object.values(value).every((item) => typeof item === 'string')
    : typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  if (!ok) fail(`${where} must be of type ${type}, got ${JSON.stringify(value)}`);
}

function checkKeys(record: Record<string, unknown>, allowed: Set<string>, where: string, strict: boolean): void {
  if (!strict) return;
  for (const key of Object.keys(record)) if (!allowed.has(key)) fail(`unknown field "${key}" in ${where}`);
}

/** Helm's Metadata.Validate: returns the reason an entry is skipped, or undefined. */
function validateMetadata(entry: Record<string, unknown>): string | undefined {
  const name = entry.name as string | undefined;
  const version = entry.version as string | undefined;
  if (!name) return 'name is required';
  if (name === '.' || name === '..' || name.includes('/')) return `name ${name} is invalid`;
  if (!version) return 'version is required';
  if (!MASTERMINDS_SEMVER.test(version)) return `version ${version} is invalid`;
  if (entry.type !== undefined && !['', 'application', 'library'].includes(entry.type as string)) return 'type must be application or library';
  if (Array.isArray(entry.maintainers) && entry.maintainers.some((item) => item === null)) return 'maintainers must not contain null';
  if (Array.isArray(entry.dependencies)) {
    for (const dependency of entry.dependencies) {
      if (dependency === null) return 'dependencies must not contain null';
      const alias = (dependency as Record<string, unknown>).alias;
      if (typeof alias === 'string' && alias !== '' && !ALIAS.test(alias)) return `alias ${alias} is invalid`;
    }
  }
  return undefined;
}

function checkVersion(entry: Record<string, unknown>, where: string, strict: boolean): void {
  checkKeys(entry, VERSION_KEYS, where, strict);
  for (const key of METADATA_STRING_KEYS) checkType(entry[key], 'string', `${where}.${key}`);
  checkType(entry.sources, 'stringList', `${where}.sources`);
  checkType(entry.keywords, 'stringList', `${where}.keywords`);
  checkType(entry.urls, 'stringList', `${where}.urls`);
  checkType(entry.deprecated, 'boolean', `${where}.deprecated`);
  checkType(entry.removed, 'boolean', `${where}.removed`);
  checkType(entry.annotations, 'stringMap', `${where}.annotations`);
  checkType(entry.created, 'time', `${where}.created`);
  checkType(entry.digest, 'string', `${where}.digest`);
  for (const [index, maintainer] of ((entry.maintainers as unknown[]) ?? []).entries()) {
    if (maintainer === null) continue;
    if (!isRecord(maintainer)) fail(`${where}.maintainers[${index}] must be a mapping`);
    checkKeys(maintainer, MAINTAINER_KEYS, `${where}.maintainers[${index}]`, strict);
    for (const key of MAINTAINER_KEYS) checkType(maintainer[key], 'string', `${where}.maintainers[${index}].${key}`);
  }
  for (const [index, dependency] of ((entry.dependencies as unknown[]) ?? []).entries()) {
    if (dependency === null) continue;
    if (!isRecord(dependency)) fail(`${where}.dependencies[${index}] must be a mapping`);
    checkKeys(dependency, DEPENDENCY_KEYS, `${where}.dependencies[${index}]`, strict);
    for (const key of ['name', 'version', 'repository', 'condition', 'alias']) checkType(dependency[key], 'string', `${where}.dependencies[${index}].${key}`);
    checkType(dependency.tags, 'stringList', `${where}.dependencies[${index}].tags`);
    checkType(dependency.enabled, 'boolean', `${where}.dependencies[${index}].enabled`);
  }
}

/**
 * Loads an index body as Helm does. An empty body fails. Valid JSON is decoded
 * as JSON, where unknown fields are ignored but wrong types are fatal. Anything
 * else is YAML in strict mode with YAML 1.1 scalars (Go's yaml.v2), where
 * duplicate or unknown keys and wrong types are fatal. A missing apiVersion is
 * fatal in both.
 */
export function loadHelmIndex(body: Buffer): LoadedIndex {
  const text = body.toString('utf8');
  if (text.trim() === '') fail('empty index');

  let format: 'json' | 'yaml' = 'yaml';
  let document: unknown;
  try {
    document = JSON.parse(text);
    format = 'json';
  } catch {
    const parsed = YAML.parseDocument(text, { version: '1.1', uniqueKeys: true });
    if (parsed.errors.length > 0) fail(`invalid YAML: ${parsed.errors[0]!.message}`);
    document = parsed.toJS({ maxAliasCount: -1 });
  }
  const strict = format === 'yaml';
  if (!isRecord(document)) fail('the index is not a mapping');
  checkKeys(document, TOP_LEVEL_KEYS, 'the top level', strict);
  checkType(document.generated, 'time', 'generated');
  checkType(document.publicKeys, 'stringList', 'publicKeys');
  checkType(document.annotations, 'stringMap', 'annotations');
  if (document.entries !== undefined && !isRecord(document.entries)) fail('entries must be a mapping');

  const entries: Record<string, Record<string, unknown>[]> = {};
  const skipped: string[] = [];
  for (const [chart, versions] of Object.entries((document.entries as Record<string, unknown>) ?? {})) {
    if (!Array.isArray(versions)) fail(`entries.${chart} must be a list`);
    entries[chart] = [];
    for (const [index, entry] of versions.entries()) {
      if (entry === null) continue;
      if (!isRecord(entry)) fail(`entries.${chart}[${index}] must be a mapping`);
      checkVersion(entry, `entries.${chart}[${index}]`, strict);
      if (entry.apiVersion === undefined || entry.apiVersion === '') entry.apiVersion = 'v1';
      const invalid = validateMetadata(entry);
      if (invalid) skipped.push(`${chart}[${index}]: ${invalid}`);
      else entries[chart]!.push(entry);
    }
  }
  if (typeof document.apiVersion !== 'string' || document.apiVersion === '') fail('no API version specified');
  return { format, apiVersion: document.apiVersion, entries, skipped };
}

/** Resolves a chart URL as Helm's ResolveReferenceURL does: relative to the repository URL with a trailing slash on its path, keeping its query. */
export function resolveChartUrl(repositoryUrl: string, chartUrl: string): string {
  const base = new URL(repositoryUrl);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  const resolved = new URL(chartUrl, base);
  if (base.search) resolved.search = base.search;
  return resolved.toString();
}

/**
 * Loads an index that Wharf served. It must pass Helm's loader with no entry
 * skipped. Every digest must also be the hex of a SHA-256, because Helm 4
 * uses it as the cache key when it downloads the chart (the loader itself
 * does not check digests).
 */
export function loadWharfIndex(body: Buffer): LoadedIndex {
  const index = loadHelmIndex(body);
  if (index.skipped.length > 0) throw new Error(`helm would skip entries: ${index.skipped.join('; ')}`);
  for (const [chart, versions] of Object.entries(index.entries)) {
    for (const entry of versions) {
      if (!/^[0-9a-f]{64}$/.test(String(entry.digest))) {
        throw new Error(`entries.${chart} version ${String(entry.version)}: digest ${String(entry.digest)} is not the hex of a SHA-256`);
      }
    }
  }
  return index;
}
