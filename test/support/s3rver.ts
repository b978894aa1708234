import { GetObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials; it rejects requests signed with any other. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3Server {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  bucket: string;
  /** WHARF_STORAGE value for the bucket, under `prefix` when given. */
  storageUrl(prefix?: string): string;
  close(): Promise<void>;
}

/**
 * Starts s3rver, a fake S3 server, on a free loopback port with one empty bucket
 * in a temporary folder.
 */
export async function startTestS3Server(bucket = 'wharf-test'): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'wharf-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;

  return {
    endpoint,
    bucket,
    storageUrl(prefix = '') {
      const query = new URLSearchParams({ endpoint, region: 'us-east-1', forcePathStyle: 'true' });
      return `s3://${bucket}/${prefix}?${query}`;
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A loopback proxy in front of s3rver that adds UploadPartCopy, which s3rver 3.7 lacks. */
export interface PartCopyProxy {
  endpoint: string;
  /** UploadPartCopy requests served so far. */
  partCopies: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy that forwards every request to `server` unchanged, except
 * UploadPartCopy (a part PUT with x-amz-copy-source), which it performs as a
 * ranged GET plus an UploadPart. It does not check signatures on that request.
 */
export async function startPartCopyProxy(server: TestS3Server): Promise<PartCopyProxy> {
  const upstream = new URL(server.endpoint);
  const client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  const proxy: PartCopyProxy = { endpoint: '', partCopies: 0, close: async () => {} };

  const http = createServer((request, response) => {
    const url = new URL(request.url ?? '/', server.endpoint);
    const copySource = request.headers['x-amz-copy-source'];
    if (request.method === 'PUT' && url.searchParams.has('partNumber') && typeof copySource === 'string') {
      proxy.partCopies += 1;
      copyPart(client, url, copySource, request.headers['x-amz-copy-source-range'] as string | undefined).then(
        (etag) => response.writeHead(200, { 'content-type': 'application/xml' }).end(
          `<?xml version="1.0" encoding="UTF-8"?><CopyPartResult><ETag>${etag}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`,
        ),
        (error: Error) => response.writeHead(500).end(String(error)),
      );
      return;
    }

    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forward.on('error', (error) => response.destroy(error));
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  proxy.endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  proxy.close = async () => {
    client.destroy();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  return proxy;
}

async function copyPart(client: S3Client, target: URL, copySource: string, range: string | undefined): Promise<string> {
  const [bucket, ...key] = decodeURIComponent(copySource.replace(/^\//, '')).split('/');
  const source = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key.join('/'), Range: range }));
  const bytes = await source.Body!.transformToByteArray();

  const [, targetBucket, ...targetKey] = decodeURIComponent(target.pathname).split('/');
  const part = await client.send(
    new UploadPartCommand({
      Bucket: targetBucket,
      Key: targetKey.join('/'),
      UploadId: target.searchParams.get('uploadId')!,
      PartNumber: Number(target.searchParams.get('partNumber')),
      Body: bytes,
    }),
  );
  return part.ETag ?? '';
}
