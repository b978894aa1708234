import { WharfError } from '../errors/catalog.ts';
import type { RegistryContext } from './context.ts';

/** Reads the request body up to `limit` bytes; one byte more raises 413 without reading further. */
async function readLimitedBody(context: RegistryContext, limit: number): Promise<Buffer> {
  const declared = context.request.headers['content-length'];
  const tooLarge = () =>
    new WharfError('MANIFEST_INVALID', `manifest is over the ${limit}-byte limit`, undefined, 413);
  if (declared !== undefined && Number(declared) > limit) throw tooLarge();

  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of context.request.raw) {
    total += (chunk as Buffer).length;
    if (total > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** GET and HEAD of a manifest by tag or digest; the stored media type, whatever the Accept header. */
export async function getManifest(context: RegistryContext, reference: string): Promise<void> {
  const { services, reply, request } = context;
  const repository = await services.repositories.find(context.name);
  if (!repository) throw new WharfError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${context.name}`, { reference });

  const manifest = await services.manifests.get(repository, reference);
  if (request.method === 'GET') await services.scan.policy.check(repository, manifest, context.caller);
  reply.code(200).headers({
    'content-type': manifest.mediaType,
    'content-length': String(manifest.content.length),
    'docker-content-digest': manifest.digest,
    etag: `"${manifest.digest}"`,
  });

  if (request.headers['if-none-match'] === `"${manifest.digest}"`) {
    await reply.code(304).send();
    return;
  }
  if (request.method === 'HEAD') {
    await reply.send();
    return;
  }
  services.manifests.recordPull(manifest, reference);
  await reply.send(manifest.content);
}

/** PUT of a manifest under a tag or its digest. */
export async function putManifest(context: RegistryContext, reference: string): Promise<void> {
  const { services, reply, request } = context;
  const repository = await services.repositories.ensure(context.name);
  const bytes = await readLimitedBody(context, services.config.maxManifestBytes);

  const result = await services.manifests.put(repository, reference, bytes, request.headers['content-type']);
  reply.code(201).headers({
    location: `/v2/${context.name}/manifests/${result.digest}`,
    'docker-content-digest': result.digest,
    'content-length': '0',
  });
  if (result.subjectDigest) reply.header('oci-subject', result.subjectDigest);
  await reply.send();
}

/** DELETE of a tag (untag) or of a manifest by digest with all its tags. */
export async function deleteManifest(context: RegistryContext, reference: string): Promise<void> {
  const { services, reply } = context;
  const repository = await services.repositories.find(context.name);
  if (!repository) throw new WharfError('MANIFEST_UNKNOWN', `manifest ${reference} not found in ${context.name}`, { reference });

  await services.manifests.delete(repository, reference);
  await reply.code(202).header('content-length', '0').send();
}
