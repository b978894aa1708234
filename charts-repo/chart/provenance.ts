import YAML from 'yaml';
import { ChartInvalidError } from './chart-invalid-error.ts';
import { MAX_YAML_ALIASES } from './chart-metadata.ts';
import { chartFileName } from './load-chart.ts';

/** Largest provenance file accepted, in bytes; real ones are a few kilobytes. */
export const MAX_PROVENANCE_BYTES = 1024 * 1024;

const SIGNED_MESSAGE_HEADER = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE_HEADER = '-----BEGIN PGP SIGNATURE-----';

/** What Wharf reads from a provenance file; the signature itself is checked by `helm --verify`. */
export interface Provenance {
  name: string;
  version: string;
  /** Archive file name to `sha256:<hex>`, from the `files` block. */
  files: Record<string, string>;
}

/**
 * Parses a Helm provenance file: an OpenPGP clear-signed message whose body is
 * the chart's Chart.yaml, a `...` line, and a YAML block `files:` mapping the
 * archive name to its SHA-256. Raises ChartInvalidError.
 */
export function parseProvenance(bytes: Buffer): Provenance {
  if (bytes.length > MAX_PROVENANCE_BYTES) {
    throw new ChartInvalidError(`the provenance file is ${bytes.length} bytes, over the ${MAX_PROVENANCE_BYTES}-byte limit`, 413);
  }
  const text = bytes.toString('utf8');
  if (!text.startsWith(SIGNED_MESSAGE_HEADER)) {
    throw new ChartInvalidError(`invalid provenance file: it must start with "${SIGNED_MESSAGE_HEADER}"`);
  }
  const signatureAt = text.indexOf(SIGNATURE_HEADER);
  if (signatureAt < 0) throw new ChartInvalidError('invalid provenance file: the PGP signature block is missing');

  // The armor headers (such as "Hash: SHA512") end at the first blank line.
  const headerEnd = text.indexOf('\n\n');
  if (headerEnd < 0 || headerEnd > signatureAt) throw new ChartInvalidError('invalid provenance file: the signed message is empty');
  const [chartBlock, filesBlock] = text.slice(headerEnd + 2, signatureAt).split(/^\.\.\.\s*$/m);
  if (chartBlock === undefined || filesBlock === undefined) {
    throw new ChartInvalidError('invalid provenance file: the "..." line between Chart.yaml and the file list is missing');
  }

  const chart = parseBlock(chartBlock);
  const files = parseBlock(filesBlock).files;
  if (typeof chart.name !== 'string' || typeof chart.version !== 'string') {
    throw new ChartInvalidError('invalid provenance file: the signed Chart.yaml has no name or version');
  }
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new ChartInvalidError('invalid provenance file: the "files" mapping is missing');
  }
  return { name: chart.name, version: chart.version, files: files as Record<string, string> };
}

function parseBlock(text: string): Record<string, unknown> {
  try {
    const value: unknown = YAML.parse(text, { maxAliasCount: MAX_YAML_ALIASES });
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch (error) {
    throw new ChartInvalidError(`invalid provenance file: ${(error as Error).message}`);
  }
}

/** Raises ChartInvalidError unless the provenance file signs this archive of chart `name` at `version`. */
export function checkProvenance(provenance: Buffer, name: string, version: string, digest: string): void {
  const parsed = parseProvenance(provenance);
  if (parsed.name !== name || parsed.version !== version) {
    throw new ChartInvalidError(`the provenance file is for ${parsed.name}-${parsed.version}, not ${name}-${version}`);
  }
  const fileName = chartFileName(name, version);
  const signed = parsed.files[fileName];
  if (signed !== digest) {
    throw new ChartInvalidError(`the provenance file does not list ${fileName} with digest ${digest}${signed ? ` (it lists ${signed})` : ''}`);
  }
}
