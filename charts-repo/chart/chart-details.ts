import type { ChartFile } from '../archive/read-chart-archive.ts';
import { ChartInvalidError } from './chart-invalid-error.ts';
import { type ChartDependency, parseYamlFile, readDependencies, yamlToPlain } from './chart-metadata.ts';

/** What the catalog shows about a chart version besides its Chart.yaml fields. */
export interface ChartDetails {
  readme?: string;
  /** values.yaml as written in the chart. */
  values?: string;
  /** values.schema.json as written in the chart. */
  valuesSchema?: string;
  dependencies: ChartDependency[];
  /** Container image references found in the default values and the templates, sorted. */
  images: string[];
}

/**
 * Image references in templates: `image: repo/name:tag` with a literal value.
 * Values that are template expressions (`{{ ... }}`) are found in values.yaml instead.
 */
const TEMPLATE_IMAGE = /^\s*-?\s*image:\s*["']?([A-Za-z0-9][A-Za-z0-9._\/:@-]*)["']?\s*$/gm;
const IMAGE_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addImage(images: Set<string>, candidate: string): void {
  const reference = candidate.trim();
  if (reference.length > 0 && reference.length <= 512 && IMAGE_REFERENCE.test(reference)) images.add(reference);
}

/**
 * Collects image references from values: an `image` key holding a string, or
 * a mapping with `repository` and optional `registry`, `tag` and `digest`
 * (the layout most public charts use).
 */
function collectValueImages(value: unknown, images: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(value)) {
    for (const item of value) collectValueImages(item, images, depth + 1);
    return;
  }
  if (!isRecord(value)) return;

  for (const [key, item] of Object.entries(value)) {
    if (key === 'image' && typeof item === 'string') addImage(images, item);
    if (key === 'image' && isRecord(item) && typeof item.repository === 'string') {
      const registry = typeof item.registry === 'string' && item.registry !== '' ? `${item.registry}/` : '';
      const tag = typeof item.tag === 'string' || typeof item.tag === 'number' ? `:${item.tag}` : '';
      const digest = typeof item.digest === 'string' && item.digest.startsWith('sha256:') ? `@${item.digest}` : '';
      addImage(images, `${registry}${item.repository}${tag}${digest}`);
    }
    collectValueImages(item, images, depth + 1);
  }
}

/** Merges every document of a multi-document values.yaml, later keys winning, as Helm does. */
function readValues(text: string): unknown[] {
  const documents = text.split(/^---\s*$/m).filter((part) => part.trim() !== '');
  return documents.map((part) => yamlToPlain(parseYamlFile(part, 'values.yaml'), 'values.yaml'));
}

/**
 * Extracts the README, default values, values schema, dependency list and
 * image references. Raises ChartInvalidError for invalid values.yaml,
 * values.schema.json or requirements.yaml, which Helm would also reject.
 */
export function extractChartDetails(files: ChartFile[], chartDependencies: ChartDependency[] | undefined): ChartDetails {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const details: ChartDetails = { dependencies: chartDependencies ?? [], images: [] };
  const images = new Set<string>();

  const readme = files.find((file) => /^readme(\.md|\.txt|\.rst)?$/i.test(file.path));
  if (readme) details.readme = readme.data.toString('utf8');

  const values = byPath.get('values.yaml');
  if (values) {
    details.values = values.data.toString('utf8');
    for (const document of readValues(details.values)) collectValueImages(document, images);
  }

  const schema = byPath.get('values.schema.json');
  if (schema) {
    details.valuesSchema = schema.data.toString('utf8');
    try {
      JSON.parse(details.valuesSchema);
    } catch (error) {
      throw new ChartInvalidError(`values.schema.json is not valid JSON: ${(error as Error).message}`);
    }
  }

  // Charts with apiVersion v1 list their dependencies in requirements.yaml. Helm's loader reads
  // that file over Chart.yaml's metadata, so its list replaces Chart.yaml's whatever the apiVersion.
  const requirements = byPath.get('requirements.yaml');
  if (requirements) {
    const parsed = yamlToPlain(parseYamlFile(requirements.data.toString('utf8'), 'requirements.yaml'), 'requirements.yaml');
    const listed = isRecord(parsed) ? readDependencies(parsed.dependencies, 'requirements.yaml') : undefined;
    if (listed) details.dependencies = listed;
  }

  for (const file of files) {
    if (!file.path.startsWith('templates/')) continue;
    for (const match of file.data.toString('utf8').matchAll(TEMPLATE_IMAGE)) addImage(images, match[1]!);
  }
  details.images = [...images].sort();
  return details;
}
