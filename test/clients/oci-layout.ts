import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../support/tools.ts';

/** Builds images with umoci in OCI image layouts and reads them back for comparisons. */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

/** Creates an empty OCI image layout at `layout`. */
export async function initLayout(layout: string): Promise<void> {
  await runCommand('umoci', ['init', '--layout', layout]);
}

/** Creates an image with no layers under `tag`, for the given CPU architecture. */
export async function newImage(layout: string, tag: string, architecture = 'amd64'): Promise<void> {
  await runCommand('umoci', ['new', '--image', `${layout}:${tag}`]);
  await runCommand('umoci', ['config', '--image', `${layout}:${tag}`, '--os', 'linux', '--architecture', architecture]);
}

/**
 * Adds one layer to the image: unpacks it rootless into a scratch bundle, writes `files`
 * (paths relative to the root file system) and repacks. Each call makes exactly one
 * new layer because umoci diffs against the state it unpacked.
 */
export async function addLayerByRepack(layout: string, tag: string, files: Record<string, Buffer | string>): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'wharf-bundle-'));
  const bundle = path.join(scratch, 'bundle');
  try {
    await runCommand('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle]);
    for (const [name, content] of Object.entries(files)) {
      const target = path.join(bundle, 'rootfs', name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await runCommand('umoci', ['repack', '--image', `${layout}:${tag}`, bundle]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Adds one layer holding the folder `source` at `target` in the image, without
 * unpacking the earlier layers (`umoci insert`), which keeps large images cheap to build.
 */
export async function addLayerByInsert(layout: string, tag: string, source: string, target: string): Promise<void> {
  await runCommand('umoci', ['insert', '--image', `${layout}:${tag}`, source, target], { timeoutMs: 600_000 });
}

async function readLayoutIndex(layout: string): Promise<LayoutIndex> {
  return JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as LayoutIndex;
}

/** Returns the descriptor the layout's index.json gives for `tag`; throws when absent. */
export async function resolveTag(layout: string, tag: string): Promise<Descriptor> {
  const index = await readLayoutIndex(layout);
  const descriptor = index.manifests.find((entry) => entry.annotations?.[REF_NAME] === tag);
  if (!descriptor) throw new Error(`tag ${tag} not found in ${layout}/index.json`);
  return descriptor;
}

function blobPath(layout: string, digest: string): string {
  const [algorithm, encoded] = digest.split(':');
  if (!algorithm || !encoded) throw new Error(`invalid digest "${digest}"`);
  return path.join(layout, 'blobs', algorithm, encoded);
}

export async function readBlob(layout: string, digest: string): Promise<Buffer> {
  return readFile(blobPath(layout, digest));
}

/**
 * Lists every blob that `root` reaches in the layout: the manifest or index itself,
 * child manifests, configs and layers, each once, in walk order.
 */
export async function listReachableBlobs(layout: string, root: Descriptor): Promise<Descriptor[]> {
  const seen = new Map<string, Descriptor>();
  const pending = [root];
  while (pending.length > 0) {
    const descriptor = pending.shift()!;
    if (seen.has(descriptor.digest)) continue;
    seen.set(descriptor.digest, descriptor);
    if (descriptor.mediaType !== OCI_MANIFEST && descriptor.mediaType !== OCI_INDEX) continue;

    const document = JSON.parse((await readBlob(layout, descriptor.digest)).toString('utf8')) as {
      manifests?: Descriptor[];
      config?: Descriptor;
      layers?: Descriptor[];
    };
    pending.push(...(document.manifests ?? []), ...(document.config ? [document.config] : []), ...(document.layers ?? []));
  }
  return [...seen.values()];
}

/**
 * Writes an image index over the images tagged `entries[].tag` (each with its config's
 * platform) into the layout and tags it `tag`. umoci 0.4 cannot build indexes itself.
 */
export async function writeImageIndex(
  layout: string,
  tag: string,
  entries: { tag: string; architecture: string }[],
): Promise<Descriptor> {
  const manifests: Descriptor[] = [];
  for (const entry of entries) {
    const { mediaType, digest, size } = await resolveTag(layout, entry.tag);
    manifests.push({ mediaType, digest, size, platform: { architecture: entry.architecture, os: 'linux' } });
  }
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(blobPath(layout, digest), bytes);

  const descriptor: Descriptor = { mediaType: OCI_INDEX, digest, size: bytes.length, annotations: { [REF_NAME]: tag } };
  const index = await readLayoutIndex(layout);
  index.manifests = index.manifests.filter((entry) => entry.annotations?.[REF_NAME] !== tag);
  index.manifests.push(descriptor);
  await writeFile(path.join(layout, 'index.json'), JSON.stringify(index));
  return descriptor;
}
