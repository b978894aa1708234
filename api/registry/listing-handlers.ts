import { parseDigest } from '../digest/digest.ts';
import { OCI_INDEX } from '../manifests/media-types.ts';
import { ReferrersService } from '../manifests/referrers-service.ts';
import { repositoryNotFound } from '../repositories/repository-service.ts';
import type { RegistryContext } from './context.ts';
import { nextPageLink, readPageRequest } from './pagination.ts';

/** Catalog page size when the client gives no `n`, as Distribution does. */
const DEFAULT_CATALOG_PAGE = 100;

/** GET /v2/<name>/tags/list with `n` and `last`. */
export async function listTags(context: RegistryContext): Promise<void> {
  const { services, reply, query } = context;
  // No `n` means every tag.
  const page = readPageRequest(query, Number.MAX_SAFE_INTEGER);

  const result = await services.tags.listJson(context.name, page.limit, page.last);
  if (!result) throw repositoryNotFound(context.name);
  if (result.next !== undefined) reply.header('link', nextPageLink(`/v2/${context.name}/tags/list`, page.limit, result.next));
  await reply.type('application/json').send(`{"name":${JSON.stringify(context.name)},"tags":${result.json}}`);
}

/** GET /v2/_catalog with `n` and `last`, listing only what the caller may read. */
export async function listCatalog(context: RegistryContext): Promise<void> {
  const { services, reply, query, caller } = context;
  const page = readPageRequest(query, DEFAULT_CATALOG_PAGE);
  const projects = await services.access.readableProjects(caller);

  const result = await services.catalog.listJson(page.limit, page.last, projects);
  if (result.next !== undefined) reply.header('link', nextPageLink('/v2/_catalog', page.limit, result.next));
  await reply.type('application/json').send(`{"repositories":${result.json}}`);
}

/** GET /v2/<name>/referrers/<digest>, optionally filtered by `artifactType`. */
export async function listReferrers(context: RegistryContext, digest: string): Promise<void> {
  const { services, reply, query } = context;
  parseDigest(digest);

  const artifactTypes = query.getAll('artifactType').filter((type) => type !== '');
  const repository = await services.repositories.find(context.name);
  const descriptors = await services.referrers.list(repository?.id, digest, artifactTypes);

  if (artifactTypes.length > 0) reply.header('oci-filters-applied', 'artifactType');
  // A Buffer, because Fastify appends `; charset=utf-8` to the type of a string body, and
  // ORAS and go-containerregistry treat any Content-Type but the exact index type as "no referrers API".
  const body = Buffer.from(ReferrersService.toIndex(descriptors));
  await reply.header('content-type', OCI_INDEX).send(body);
}
