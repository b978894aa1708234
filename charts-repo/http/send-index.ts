import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CachedIndex, IndexFormat } from '../index/index-cache.ts';

const CONTENT_TYPES: Record<IndexFormat, string> = { yaml: 'application/x-yaml', json: 'application/json' };

/** True when the client accepts gzip: `Accept-Encoding` lists gzip (or `*`) without `q=0`. */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (!header) return false;
  return header.split(',').some((item) => {
    const [coding, ...parameters] = item.trim().toLowerCase().split(';');
    const rejected = parameters.some((parameter) => /^\s*q=0(\.0*)?\s*$/.test(parameter));
    return (coding === 'gzip' || coding === 'x-gzip' || coding === '*') && !rejected;
  });
}

/** True when `If-None-Match` lists the ETag (weak comparison) or is `*`. */
function matchesEtag(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Sends an index document with a strong ETag, or 304 when `If-None-Match`
 * matches it. Gzip is used only when the client asks for it:
 * Helm never does, and accepts only 200 responses.
 */
export async function sendIndex(request: FastifyRequest, reply: FastifyReply, cached: CachedIndex, format: IndexFormat): Promise<FastifyReply> {
  const variant = cached.variant(format);
  const chosen = acceptsGzip(request) ? variant.gzip() : { body: variant.body, etag: variant.etag };
  const gzipped = chosen.body !== variant.body;

  reply.header('etag', chosen.etag).header('vary', 'Accept-Encoding').header('cache-control', 'no-cache').type(CONTENT_TYPES[format]);
  if (matchesEtag(request, chosen.etag)) return reply.code(304).send();
  if (gzipped) reply.header('content-encoding', 'gzip');
  return reply.send(chosen.body);
}
