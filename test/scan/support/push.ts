// Turns scanner test layers into real images pushed to a test Wharf, and waits
// for the scans that a push queues.
import { createHash } from 'node:crypto';
import type { LayerSource } from '../../../api/scan/inventory/image.ts';
import type { TestWharf } from '../../support/wharf.ts';
import { descriptorOf, OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, type TestImage } from '../../support/registry-client.ts';

/** Reads a layer's stream into one buffer (the test layers are small). */
async function layerBytes(layer: LayerSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await layer.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Builds an OCI image whose layers are the given gzip tar layers, in order. */
export async function buildImageFromLayers(layers: LayerSource[], architecture = 'amd64'): Promise<TestImage> {
  const layerBuffers = await Promise.all(layers.map(layerBytes));
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layerBuffers.map((bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`) },
    }),
  );
  const body = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptorOf(OCI_CONFIG, config),
    layers: layerBuffers.map((bytes) => descriptorOf(OCI_LAYER, bytes)),
  };
  const manifest = Buffer.from(JSON.stringify(body));
  return { config, layers: layerBuffers, manifest, mediaType: OCI_MANIFEST, digest: descriptorOf(OCI_MANIFEST, manifest).digest, descriptor: descriptorOf(OCI_MANIFEST, manifest) };
}

/** Waits until every scan job of the artifact has finished; returns the last job's status and error. */
export async function waitForScanJobs(wharf: TestWharf, repository: string, digest: string, timeoutMs = 60_000): Promise<{ status: string; error: string | null }> {
  const prisma = wharf.services.db.prisma;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await prisma.scanJob.findMany({ where: { artifact: { digest, repository: { name: repository } } }, orderBy: { id: 'asc' } });
    const last = jobs.at(-1);
    if (last && jobs.every((job) => job.status === 'succeeded' || job.status === 'failed')) return { status: last.status, error: last.error };
    if (Date.now() > deadline) throw new Error(`scan of ${repository}@${digest} did not finish: ${JSON.stringify(jobs.map((job) => job.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
