import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Bucket, key prefix and client settings parsed from an `s3://` WHARF_STORAGE value. */
export interface S3Location {
  bucket: string;
  /** Prepended to every storage key: empty, or ending with `/`. */
  prefix: string;
  /** S3-compatible endpoint URL, such as MinIO's; undefined selects AWS. */
  endpoint: string | undefined;
  region: string | undefined;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint`. */
  forcePathStyle: boolean;
}

const QUERY_PARAMETERS = ['endpoint', 'region', 'forcePathStyle'];

/**
 * Parses `s3://BUCKET/optional/prefix?endpoint=URL&region=NAME&forcePathStyle=true`.
 * Every query parameter is optional. Throws on a malformed value, naming it.
 */
export function parseS3Location(value: string): S3Location {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`WHARF_STORAGE "${value}" is not a valid URL; expected s3://BUCKET/prefix?endpoint=...`);
  }
  if (url.protocol !== 's3:') throw new Error(`WHARF_STORAGE "${value}" is not an s3:// URL`);
  if (!url.hostname) throw new Error(`WHARF_STORAGE "${value}" names no bucket; expected s3://BUCKET/prefix`);
  if (url.username || url.password) {
    throw new Error('WHARF_STORAGE must not contain credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead');
  }

  for (const name of url.searchParams.keys()) {
    if (!QUERY_PARAMETERS.includes(name)) {
      throw new Error(`WHARF_STORAGE has unknown parameter "${name}"; known: ${QUERY_PARAMETERS.join(', ')}`);
    }
  }

  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new Error(`WHARF_STORAGE endpoint "${endpoint}" must be an http:// or https:// URL`);
  }

  const pathStyle = url.searchParams.get('forcePathStyle') ?? 'false';
  if (pathStyle !== 'true' && pathStyle !== 'false') {
    throw new Error(`WHARF_STORAGE forcePathStyle must be true or false, not "${pathStyle}"`);
  }

  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  return {
    bucket: url.hostname,
    prefix: path ? `${path}/` : '',
    endpoint,
    region: url.searchParams.get('region') ?? undefined,
    forcePathStyle: pathStyle === 'true',
  };
}

/**
 * Creates the S3 client for a location. Credentials come from `overrides` or else
 * the SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, shared
 * config files, then instance roles).
 */
export function createS3Client(location: S3Location, overrides: S3ClientConfig = {}): S3Client {
  const config: S3ClientConfig = { forcePathStyle: location.forcePathStyle };
  if (location.region) config.region = location.region;
  if (location.endpoint) {
    config.endpoint = location.endpoint;
    // This SDK sends request checksums by default, which not every S3-compatible
    // store accepts, so send them only where the operation requires one.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
    // A custom endpoint without a region still needs one for request signing.
    config.region ??= 'us-east-1';
  }
  return new S3Client({ ...config, ...overrides });
}
