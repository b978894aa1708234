import { WharfError } from '../errors/catalog.ts';
import {
  DOCKER_SCHEMA1,
  DOCKER_SCHEMA1_SIGNED,
  isIndexType,
  MANIFEST_MEDIA_TYPES,
  type ManifestMediaType,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types.ts';

const DIGEST_SYNTAX = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: Record<string, unknown>;
}

/** What Wharf keeps about a manifest besides its bytes. */
export interface ParsedManifest {
  mediaType: ManifestMediaType;
  /** The manifest's own `artifactType`, or for an image manifest its config media type. */
  artifactType?: string;
  config?: Descriptor;
  /** Layers of an image manifest, or child manifests of an index. */
  children: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

function invalid(message: string): WharfError {
  return new WharfError('MANIFEST_INVALID', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalid(`${where} must be a descriptor object`);
  const { mediaType, digest, size, artifactType, annotations, platform } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where}.mediaType must be a non-empty string`);
  if (typeof digest !== 'string' || !DIGEST_SYNTAX.test(digest)) throw invalid(`${where}.digest is not a valid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(`${where}.size must be a non-negative integer`);
  }

  const descriptor: Descriptor = { mediaType, digest, size };
  if (typeof artifactType === 'string') descriptor.artifactType = artifactType;
  if (isObject(annotations)) descriptor.annotations = annotations as Record<string, string>;
  if (isObject(platform)) descriptor.platform = platform;
  return descriptor;
}

function parseDescriptorList(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array`);
  return value.map((entry, index) => parseDescriptor(entry, `${where}[${index}]`));
}

/**
 * Picks the manifest's media type: its own `mediaType` field, else the request's
 * Content-Type, else its shape. Helm and some OCI clients omit the field.
 */
function resolveMediaType(body: Record<string, unknown>, contentType: string | undefined): string {
  const declared = typeof body.mediaType === 'string' ? body.mediaType : undefined;
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const headerIsManifest = header !== undefined && (MANIFEST_MEDIA_TYPES as readonly string[]).includes(header);

  if (declared && headerIsManifest && declared !== header) {
    throw invalid(`manifest mediaType ${declared} does not match Content-Type ${header}`);
  }
  if (declared) return declared;
  if (headerIsManifest || header === DOCKER_SCHEMA1 || header === DOCKER_SCHEMA1_SIGNED) return header!;
  if (Array.isArray(body.manifests)) return OCI_INDEX;
  if (isObject(body.config)) return OCI_MANIFEST;
  throw invalid('cannot tell the manifest type: set mediaType or Content-Type');
}

/** Parses and validates manifest bytes; raises MANIFEST_INVALID with the reason. */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(`manifest is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(body)) throw invalid('manifest must be a JSON object');

  // Schema 1 is recognised before the type is resolved, because such a body has no
  // mediaType field and often arrives without a manifest Content-Type.
  const schema1 = invalid('Docker schema 1 manifests are not supported; push the image as Docker schema 2 or OCI');
  if (body.schemaVersion === 1) throw schema1;
  const mediaType = resolveMediaType(body, contentType);
  if (mediaType === DOCKER_SCHEMA1 || mediaType === DOCKER_SCHEMA1_SIGNED) throw schema1;
  if (!(MANIFEST_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw invalid(`unsupported manifest media type ${mediaType}`);
  }
  if (body.schemaVersion !== 2) throw invalid('schemaVersion must be 2');

  const manifest: ParsedManifest = { mediaType: mediaType as ManifestMediaType, children: [] };
  if (body.subject !== undefined) manifest.subject = parseDescriptor(body.subject, 'subject');
  if (isObject(body.annotations)) manifest.annotations = body.annotations as Record<string, string>;
  if (body.artifactType !== undefined) {
    if (typeof body.artifactType !== 'string') throw invalid('artifactType must be a string');
    manifest.artifactType = body.artifactType;
  }

  if (isIndexType(mediaType)) {
    manifest.children = parseDescriptorList(body.manifests, 'manifests');
    return manifest;
  }

  manifest.config = parseDescriptor(body.config, 'config');
  manifest.children = parseDescriptorList(body.layers, 'layers');
  if (mediaType === OCI_MANIFEST && manifest.artifactType === undefined) {
    manifest.artifactType = manifest.config.mediaType;
  }
  return manifest;
}
