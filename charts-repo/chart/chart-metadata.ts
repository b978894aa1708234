import YAML, { isScalar, type Document } from 'yaml';
import { ChartInvalidError } from './chart-invalid-error.ts';
import { isStrictSemVer } from './semver.ts';

/** Alias expansions allowed while a chart YAML file is read; more means a YAML bomb. */
export const MAX_YAML_ALIASES = 100;

export interface ChartMaintainer {
  name?: string;
  email?: string;
  url?: string;
}

/** A dependency as Chart.yaml (v2) or requirements.yaml (v1) lists it. */
export interface ChartDependency {
  name: string;
  version?: string;
  repository: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

/** Chart.yaml fields that Helm's index and OCI config carry, after Helm's sanitising. */
export interface ChartMetadata {
  name: string;
  home?: string;
  sources?: string[];
  version: string;
  description?: string;
  keywords?: string[];
  maintainers?: ChartMaintainer[];
  icon?: string;
  apiVersion: 'v1' | 'v2';
  condition?: string;
  tags?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  kubeVersion?: string;
  dependencies?: ChartDependency[];
  type?: string;
}

/** Characters Helm allows in a dependency alias. */
const ALIAS_PATTERN = /^[a-zA-Z0-9_-]+$/;

/**
 * Chart names Wharf accepts: Helm's rule (not `.` or `..`, no path separator)
 * narrowed to letters, digits and `._-` so the name is safe in file names,
 * URLs and index keys.
 */
const CHART_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_CHART_NAME_LENGTH = 250;

/** Parses YAML text into plain values; raises ChartInvalidError naming the file. */
export function parseYamlFile(text: string, file: string): Document.Parsed {
  const document = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ChartInvalidError(`${file} is not valid YAML: ${document.errors[0]!.message}`);
  }
  return document;
}

/** Converts a parsed YAML document to plain values, refusing YAML bombs. */
export function yamlToPlain(document: Document.Parsed, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    throw new ChartInvalidError(`${file} could not be read: ${(error as Error).message}`);
  }
}

/**
 * Replaces whitespace with a space and drops non-printable characters, as
 * Helm does before it validates metadata.
 */
export function sanitizeString(value: string): string {
  return value.replace(/\s/gu, ' ').replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a field that Helm declares as a string. YAML numbers and booleans are
 * taken as their source text (`appVersion: 1.10` stays "1.10"), as Helm's YAML
 * decoder converts scalars into string fields.
 */
function readString(document: Document.Parsed, record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return sanitizeString(value);
  if (typeof value === 'number' || typeof value === 'boolean') {
    const node = document.get(key, true);
    const source = isScalar(node) && typeof node.source === 'string' ? node.source : String(value);
    return sanitizeString(source);
  }
  throw new ChartInvalidError(`Chart.yaml: "${key}" must be a string`);
}

function readStringList(record: Record<string, unknown>, key: string, where: string): string[] | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ChartInvalidError(`${where}: "${key}" must be a list of strings`);
  return value.map((item, index) => {
    if (typeof item === 'string') return sanitizeString(item);
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new ChartInvalidError(`${where}: "${key}[${index}]" must be a string`);
  });
}

function readBoolean(record: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ChartInvalidError(`${where}: "${key}" must be true or false`);
  return value;
}

function readMaintainers(record: Record<string, unknown>): ChartMaintainer[] | undefined {
  const value = record.maintainers;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ChartInvalidError('Chart.yaml: "maintainers" must be a list');

  return value.map((item, index) => {
    if (!isRecord(item)) throw new ChartInvalidError(`Chart.yaml: maintainers[${index}] must be a mapping with name, email and url`);
    const maintainer: ChartMaintainer = {};
    for (const key of ['name', 'email', 'url'] as const) {
      const field = item[key];
      if (field === undefined || field === null) continue;
      if (typeof field !== 'string') throw new ChartInvalidError(`Chart.yaml: maintainers[${index}].${key} must be a string`);
      if (field !== '') maintainer[key] = sanitizeString(field);
    }
    return maintainer;
  });
}

/** Reads and validates a dependency list from Chart.yaml or requirements.yaml. */
export function readDependencies(value: unknown, file: string): ChartDependency[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ChartInvalidError(`${file}: "dependencies" must be a list`);

  return value.map((item, index) => {
    const where = `${file}: dependencies[${index}]`;
    if (!isRecord(item)) throw new ChartInvalidError(`${where} must be a mapping`);
    const text = (key: string): string | undefined => {
      const field = item[key];
      if (field === undefined || field === null) return undefined;
      if (typeof field === 'string') return sanitizeString(field);
      if (typeof field === 'number') return String(field);
      throw new ChartInvalidError(`${where}.${key} must be a string`);
    };

    const name = text('name');
    if (!name) throw new ChartInvalidError(`${where} has no name`);
    const dependency: ChartDependency = { name, repository: text('repository') ?? '' };
    const version = text('version');
    if (version) dependency.version = version;
    const condition = text('condition');
    if (condition) dependency.condition = condition;
    const tags = readStringList(item, 'tags', where);
    if (tags && tags.length > 0) dependency.tags = tags;
    if (readBoolean(item, 'enabled', where)) dependency.enabled = true;
    const importValues = item['import-values'];
    if (Array.isArray(importValues) && importValues.length > 0) dependency['import-values'] = importValues;
    else if (importValues !== undefined && importValues !== null && !Array.isArray(importValues)) {
      throw new ChartInvalidError(`${where}.import-values must be a list`);
    }
    const alias = text('alias');
    if (alias) {
      if (!ALIAS_PATTERN.test(alias)) throw new ChartInvalidError(`${where}: alias "${alias}" may use only letters, digits, _ and -`);
      dependency.alias = alias;
    }
    return dependency;
  });
}

function readAnnotations(record: Record<string, unknown>): Record<string, string> | undefined {
  const value = record.annotations;
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new ChartInvalidError('Chart.yaml: "annotations" must be a mapping of strings');

  const annotations: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') annotations[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') annotations[key] = String(item);
    else throw new ChartInvalidError(`Chart.yaml: annotation "${key}" must be a string`);
  }
  return Object.keys(annotations).length > 0 ? annotations : undefined;
}

/** Raises unless `name` is a chart name Helm loads and Wharf can serve. */
export function validateChartName(name: string): void {
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\\')) {
    throw new ChartInvalidError(`chart name "${name}" is invalid: it must not be "." or ".." or contain a path separator`);
  }
  if (name.length > MAX_CHART_NAME_LENGTH || !CHART_NAME_PATTERN.test(name)) {
    throw new ChartInvalidError(
      `chart name "${name}" is invalid: use up to ${MAX_CHART_NAME_LENGTH} letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  }
}

/**
 * Parses and validates Chart.yaml with Helm's rules: apiVersion v1 or v2 (a
 * missing one means v1), a name, a SemVer 2 version, type empty, application
 * or library, and valid maintainers and dependencies. Unknown fields are
 * ignored, as Helm's loader ignores them.
 */
export function parseChartYaml(text: string): ChartMetadata {
  const document = parseYamlFile(text, 'Chart.yaml');
  const raw = yamlToPlain(document, 'Chart.yaml');
  if (!isRecord(raw)) throw new ChartInvalidError('Chart.yaml must be a mapping of chart fields');
  const string = (key: string) => readString(document, raw, key);

  const apiVersion = string('apiVersion') || 'v1';
  if (apiVersion !== 'v1' && apiVersion !== 'v2') {
    throw new ChartInvalidError(`Chart.yaml: apiVersion "${apiVersion}" is not supported; use v2 (Helm 3) or v1`);
  }

  const name = string('name');
  if (!name) throw new ChartInvalidError('Chart.yaml: "name" is missing');
  validateChartName(name);

  if (typeof raw.version !== 'string' && raw.version !== undefined && raw.version !== null) {
    throw new ChartInvalidError(`Chart.yaml: "version" must be a string; quote it, as in version: "${String(raw.version)}"`);
  }
  const version = string('version');
  if (!version) throw new ChartInvalidError('Chart.yaml: "version" is missing');
  if (!isStrictSemVer(version)) {
    throw new ChartInvalidError(`Chart.yaml: version "${version}" is not a SemVer 2 version such as 1.2.3 or 1.2.3-rc.1`);
  }

  const type = string('type');
  if (type !== undefined && type !== '' && type !== 'application' && type !== 'library') {
    throw new ChartInvalidError(`Chart.yaml: type "${type}" is invalid; use application or library`);
  }

  const metadata: ChartMetadata = { name, version, apiVersion };
  const optional = {
    home: string('home'),
    sources: readStringList(raw, 'sources', 'Chart.yaml'),
    description: string('description'),
    keywords: readStringList(raw, 'keywords', 'Chart.yaml'),
    maintainers: readMaintainers(raw),
    icon: string('icon'),
    condition: string('condition'),
    tags: string('tags'),
    appVersion: string('appVersion'),
    deprecated: readBoolean(raw, 'deprecated', 'Chart.yaml'),
    annotations: readAnnotations(raw),
    kubeVersion: string('kubeVersion'),
    dependencies: readDependencies(raw.dependencies, 'Chart.yaml'),
    type: type || undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    (metadata as unknown as Record<string, unknown>)[key] = value;
  }
  return metadata;
}
