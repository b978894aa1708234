import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../access/caller.ts';
import type { Services } from '../app/services.ts';

/** One registry request after routing and authentication. */
export interface RegistryContext {
  services: Services;
  request: FastifyRequest;
  reply: FastifyReply;
  caller: Caller;
  /** Repository name from the path; empty for /v2/ and the catalog. */
  name: string;
  query: URLSearchParams;
}
