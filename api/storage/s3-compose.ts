import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { type Segment, type SegmentRange, toReadable, totalSize } from './s3-parts.ts';

/** Part size for lib-storage uploads: 8 MiB, above S3's 5 MiB minimum. */
export const PART_SIZE = 8 * 1024 * 1024;
/** Parts that one lib-storage upload sends at a time, and so keeps in memory. */
export const QUEUE_SIZE = 2;
/** S3's limits on multipart uploads and server-side copies. */
export const MAX_PARTS = 10_000;
const MIN_COPY_PART = 5 * 1024 * 1024;
const MAX_COPY_SIZE = 5 * 1024 * 1024 * 1024;
/** UploadPartCopy requests in flight at once for one move. */
const COPY_CONCURRENCY = 4;

/** Returns the CopySource value for an object: bucket and key, URL-encoded. */
export function copySource(bucket: string, objectKey: string): string {
  return `${bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Writes the bytes of `segments` to `target`, replacing it. S3 makes the target
 * visible only when the copy or upload completes, so readers never see part of it.
 * Picks the cheapest way the part sizes allow:
 * 1. one whole segment of at most 5 GiB: CopyObject;
 * 2. every piece but the last at least 5 MiB: multipart upload with UploadPartCopy;
 * 3. otherwise: stream the segments through lib-storage's Upload.
 */
export async function composeObject(client: S3Client, bucket: string, segments: Segment[], target: string): Promise<void> {
  const pieces = segments.filter((segment) => segment.length > 0);
  const only = pieces[0];
  if (pieces.length === 1 && only && only.length === only.stored && only.length <= MAX_COPY_SIZE) {
    await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: target,
        CopySource: copySource(bucket, only.key),
        // Drops the appendable flag: the target has no parts.
        MetadataDirective: 'REPLACE',
      }),
    );
    return;
  }

  const copyRanges = planCopyRanges(pieces);
  if (copyRanges) {
    try {
      await copyParts(client, bucket, copyRanges, target);
      return;
    } catch (error) {
      // Some S3-compatible stores, s3rver 3.7 among them, do not implement UploadPartCopy.
      if (!(error instanceof S3ServiceException && error.name === 'NotImplemented')) throw error;
    }
  }
  await streamParts(client, bucket, pieces, target);
}

/**
 * Splits segments into UploadPartCopy ranges of at most 5 GiB, or returns
 * undefined when a range other than the last would be under S3's 5 MiB minimum
 * or there would be more than 10,000 parts.
 */
function planCopyRanges(segments: Segment[]): SegmentRange[] | undefined {
  const ranges: SegmentRange[] = [];
  for (const segment of segments) {
    for (let from = 0; from < segment.length; from += MAX_COPY_SIZE) {
      ranges.push({ key: segment.key, from, to: Math.min(from + MAX_COPY_SIZE, segment.length) - 1 });
    }
  }
  const tooSmall = ranges.slice(0, -1).some((range) => range.to - range.from + 1 < MIN_COPY_PART);
  return ranges.length === 0 || tooSmall || ranges.length > MAX_PARTS ? undefined : ranges;
}

/** Builds `target` inside S3 from ranges of other objects; aborts the multipart upload on failure. */
async function copyParts(client: S3Client, bucket: string, ranges: SegmentRange[], target: string): Promise<void> {
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`S3 returned no upload id for a multipart upload to ${target}`);

  try {
    const etags: string[] = new Array(ranges.length);
    let next = 0;
    const copyNext = async (): Promise<void> => {
      while (next < ranges.length) {
        const index = next++;
        const range = ranges[index]!;
        const result = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: target,
            UploadId: uploadId,
            PartNumber: index + 1,
            CopySource: copySource(bucket, range.key),
            CopySourceRange: `bytes=${range.from}-${range.to}`,
          }),
        );
        const etag = result.CopyPartResult?.ETag;
        if (!etag) throw new Error(`S3 returned no ETag for part ${index + 1} of ${target}`);
        etags[index] = etag;
      }
    };
    await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, ranges.length) }, copyNext));

    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: target,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target, UploadId: uploadId })).catch(() => {});
    throw error;
  }
}

/** Streams the segments, in order, into one lib-storage upload to `target`. */
async function streamParts(client: S3Client, bucket: string, segments: Segment[], target: string): Promise<void> {
  const size = totalSize(segments);
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: target, Body: toReadable(readSegments(client, bucket, segments)) },
    // Parts grow past PART_SIZE only for objects too large for 10,000 of them.
    partSize: Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS)),
    queueSize: QUEUE_SIZE,
  });
  await upload.done();
}

async function* readSegments(client: S3Client, bucket: string, segments: Segment[]): AsyncGenerator<Buffer> {
  for (const segment of segments) {
    const response = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: segment.key, Range: `bytes=0-${segment.length - 1}` }),
    );
    let remaining = segment.length;
    for await (const data of response.Body as Readable) {
      const chunk = (data as Buffer).subarray(0, remaining);
      remaining -= chunk.length;
      if (chunk.length > 0) yield chunk;
      if (remaining === 0) break;
    }
    if (remaining > 0) throw new Error(`S3 object ${segment.key} ended ${remaining} bytes early`);
  }
}
