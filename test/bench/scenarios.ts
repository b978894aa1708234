import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addLayerByInsert, initLayout, listReachableBlobs, newImage, resolveTag } from '../clients/oci-layout.ts';
import { runCommand } from '../support/tools.ts';
import {
  buildTinyImage,
  downloadBlob,
  mountBlob,
  putManifest,
  runPool,
  sha256Digest,
  timedGet,
  uploadBlob,
} from './registry-client.ts';
import type { BenchRegistry } from './servers.ts';

const MIB = 1024 * 1024;
/** Parallel requests while seeding; bounded so neither registry is flooded. */
const SEED_CONCURRENCY = 16;

export interface Sizes {
  imageMiB: number;
  imageLayers: number;
  copyRepeats: number;
  repositories: number;
  tags: number;
  latencySamples: number;
  memoryBlobMiB: number;
  memoryClients: number;
}

export interface LatencyStats {
  p50: number;
  p99: number;
}

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/** Writes `size` random bytes to `file` in 1 MiB chunks. */
async function writeRandomFile(file: string, size: number): Promise<void> {
  let remaining = size;
  const chunks = Readable.from(
    (function* () {
      while (remaining > 0) {
        const length = Math.min(MIB, remaining);
        remaining -= length;
        yield randomBytes(length);
      }
    })(),
  );
  await pipeline(chunks, createWriteStream(file));
}

/** Builds an image of random data files, one `umoci insert` layer per file. */
export async function buildLargeImage(workDir: string, sizes: Sizes): Promise<{ layout: string; bytes: number }> {
  const layout = path.join(workDir, 'large-image');
  const source = path.join(workDir, 'layer-source');
  await initLayout(layout);
  await newImage(layout, 'large');

  const layerBytes = Math.floor((sizes.imageMiB * MIB) / sizes.imageLayers);
  for (let layer = 0; layer < sizes.imageLayers; layer++) {
    await rm(source, { recursive: true, force: true });
    await mkdir(source);
    await writeRandomFile(path.join(source, 'random.bin'), layerBytes);
    await addLayerByInsert(layout, 'large', source, `/data/layer-${layer}`);
  }
  await rm(source, { recursive: true, force: true });

  const blobs = await listReachableBlobs(layout, await resolveTag(layout, 'large'));
  return { layout, bytes: blobs.reduce((total, blob) => total + blob.size, 0) };
}

async function timeCommand(command: string, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  await runCommand(command, args, { timeoutMs: 900_000 });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export interface ThroughputResult {
  pushMiBps: number;
  pullMiBps: number;
  /** MiB/s of every push and every pull, in the order they ran. */
  pushRuns: number[];
  pullRuns: number[];
}

/**
 * Returns the files of skopeo's blob info cache, for root and for other users.
 * The cache remembers where blobs were pushed before, so a second push of the
 * same blobs becomes cross-repository mounts.
 */
function blobInfoCacheFiles(): string[] {
  const dataHome = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share');
  return ['/var/lib/containers/cache', path.join(dataHome, 'containers', 'cache')].map((folder) => path.join(folder, 'blob-info-cache-v1.boltdb'));
}

async function clearBlobInfoCache(): Promise<void> {
  await Promise.all(blobInfoCacheFiles().map((file) => rm(file, { force: true })));
}

function throughputReference(registry: BenchRegistry, repeat: number): string {
  return `docker://${registry.host}/library/throughput-${repeat}:1.0`;
}

async function timePush(registry: BenchRegistry, layout: string, repeat: number): Promise<number> {
  await clearBlobInfoCache();
  const args = ['copy', ...registry.skopeoCredentials('dest'), '--dest-tls-verify=false', `oci:${layout}:large`, throughputReference(registry, repeat)];
  return timeCommand('skopeo', args);
}

async function timePull(registry: BenchRegistry, workDir: string, repeat: number): Promise<number> {
  const target = path.join(workDir, `pulled-${registry.label}-${repeat}`);
  const args = ['copy', ...registry.skopeoCredentials('src'), '--src-tls-verify=false', throughputReference(registry, 0), `oci:${target}:1.0`];
  const seconds = await timeCommand('skopeo', args);
  await rm(target, { recursive: true, force: true });
  return seconds;
}

/** Returns the indexes of `count` registries in their order for round `round`: as given in even rounds, reversed in odd ones. */
function turnOrder(count: number, round: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  return round % 2 === 0 ? order : order.reverse();
}

/**
 * Times `skopeo copy` of the image to `copyRepeats` new repositories of each
 * registry, and back from the first one into fresh OCI layouts. skopeo's blob
 * info cache is cleared before each push, so every push uploads every blob.
 * The push rounds run first, then the pull rounds. Each round copies once per
 * registry, in the reverse order of the round before, so a change in the shared
 * machine's load, or going first, falls on all registries alike.
 * Returns MiB/s over the bytes of every blob, per registry in the given order.
 */
export async function measureThroughput<const Registries extends readonly BenchRegistry[]>(
  registries: Registries,
  image: { layout: string; bytes: number },
  workDir: string,
  sizes: Sizes,
): Promise<{ [Index in keyof Registries]: ThroughputResult }> {
  const pushSeconds = registries.map((): number[] => []);
  const pullSeconds = registries.map((): number[] => []);
  for (let repeat = 0; repeat < sizes.copyRepeats; repeat++) {
    for (const index of turnOrder(registries.length, repeat)) pushSeconds[index]!.push(await timePush(registries[index]!, image.layout, repeat));
  }
  for (let repeat = 0; repeat < sizes.copyRepeats; repeat++) {
    for (const index of turnOrder(registries.length, repeat)) pullSeconds[index]!.push(await timePull(registries[index]!, workDir, repeat));
  }

  const mebibytes = image.bytes / MIB;
  return registries.map((_, index) => ({
    pushMiBps: mebibytes / median(pushSeconds[index]!),
    pullMiBps: mebibytes / median(pullSeconds[index]!),
    pushRuns: pushSeconds[index]!.map((seconds) => mebibytes / seconds),
    pullRuns: pullSeconds[index]!.map((seconds) => mebibytes / seconds),
  })) as { [Index in keyof Registries]: ThroughputResult };
}

/** Untimed requests at the start of each timed series, so it starts on an open connection. */
const WARMUP_REQUESTS = 20;

/**
 * Warm-up before a series: untimed requests in batches that double from 10 to
 * 500, until WARMUP_SECONDS have passed or WARMUP_MAX_REQUESTS were sent. V8
 * optimizes Wharf's request code only after it has run some thousands of times.
 * On a fresh process, ten series of 500 catalog requests in a row took the p50
 * from 0.8 to 0.5 ms and the p99 from 4.4 to 0.8 ms. docker-registry is compiled
 * ahead of time; at 40 to 200 ms a page it gets 30 to 150 requests.
 */
const WARMUP_MAX_REQUESTS = 5_000;
const WARMUP_SECONDS = 5;

function curlArguments(registry: BenchRegistry, url: string, count: number): string[] {
  const args = ['--silent', '--write-out', '%{http_code} %{time_total}\\n'];
  if (registry.authorization) args.push('--header', `authorization: ${registry.authorization}`);
  for (let index = 0; index < count; index++) args.push(url, '--output', '/dev/null');
  return args;
}

async function warmUp(registry: BenchRegistry, url: string): Promise<void> {
  const deadline = Date.now() + WARMUP_SECONDS * 1000;
  let batch = 10;
  for (let sent = 0; sent < WARMUP_MAX_REQUESTS && Date.now() < deadline; sent += batch, batch = Math.min(2 * batch, 500)) {
    await runCommand('curl', curlArguments(registry, url, batch), { timeoutMs: 600_000 });
  }
}

/**
 * Times `samples` sequential GETs of one path with curl, which reuses one
 * connection for all of them, after the warm-up and WARMUP_REQUESTS untimed
 * ones. curl is the client because a Node.js client in this process added
 * about 0.3 ms to every sample and garbage-collection pauses to some.
 */
async function curlLatency(registry: BenchRegistry, pathAndQuery: string, samples: number): Promise<LatencyStats> {
  const url = `${registry.url}${pathAndQuery}`;
  const count = WARMUP_REQUESTS + samples;
  await warmUp(registry, url);
  const { stdout } = await runCommand('curl', curlArguments(registry, url, count), { timeoutMs: 600_000 });
  const lines = stdout.trim().split('\n');
  if (lines.length !== count) throw new Error(`curl reported ${lines.length} of ${count} requests to ${url}, expected all; check that curl supports several URLs per run`);
  const timings: number[] = [];
  for (const line of lines.slice(WARMUP_REQUESTS)) {
    const [status, seconds] = line.split(' ');
    if (status !== '200') throw new Error(`GET ${pathAndQuery} on ${registry.label} returned HTTP ${status}`);
    timings.push(Number(seconds) * 1000);
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 0.5), p99: percentile(timings, 0.99) };
}

/** Repository name of the i-th seeded catalog entry; zero-padded so byte order is numeric order. */
function catalogRepository(index: number): string {
  return `library/catalog-${String(index).padStart(5, '0')}`;
}

/** Pushes the tiny image to `repositories` repositories, mounting the blobs after the first. */
export async function seedCatalog(registry: BenchRegistry, sizes: Sizes): Promise<void> {
  const image = buildTinyImage();
  const first = catalogRepository(0);
  await uploadBlob(registry, first, sha256Digest(image.config), image.config, image.config.length);
  await uploadBlob(registry, first, sha256Digest(image.layer), image.layer, image.layer.length);
  await putManifest(registry, first, 'latest', image.manifest);

  const rest = Array.from({ length: sizes.repositories - 1 }, (_, index) => catalogRepository(index + 1));
  await runPool(rest, SEED_CONCURRENCY, async (repository) => {
    await mountBlob(registry, repository, first, sha256Digest(image.config), image.config);
    await mountBlob(registry, repository, first, sha256Digest(image.layer), image.layer);
    await putManifest(registry, repository, 'latest', image.manifest);
  });
}

const PAGE_SIZE = 100;

export type CatalogPage = 'first' | 'middle' | 'last';

/** Latency of one catalog page of 100 entries, fetched `latencySamples` times one after another. */
export async function measureCatalogPage(registry: BenchRegistry, page: CatalogPage, sizes: Sizes): Promise<LatencyStats> {
  const startIndex = { first: 0, middle: Math.floor(sizes.repositories / 2), last: sizes.repositories - PAGE_SIZE }[page];
  const query = new URLSearchParams({ n: String(PAGE_SIZE) });
  if (startIndex > 0) query.set('last', catalogRepository(startIndex - 1));

  const expectedFirst = catalogRepository(startIndex);
  const { body } = await timedGet(registry, `/v2/_catalog?${query}`);
  const { repositories } = JSON.parse(body) as { repositories: string[] };
  if (repositories.length !== PAGE_SIZE || repositories[0] !== expectedFirst) {
    throw new Error(`${registry.label} catalog ${page} page starts at ${repositories[0]} with ${repositories.length} entries, expected ${expectedFirst} and ${PAGE_SIZE}`);
  }
  return curlLatency(registry, `/v2/_catalog?${query}`, sizes.latencySamples);
}

const TAGS_REPOSITORY = 'library/many-tags';

/** Pushes the tiny image once and tags it `tags` times. */
export async function seedTags(registry: BenchRegistry, sizes: Sizes): Promise<void> {
  const image = buildTinyImage();
  await uploadBlob(registry, TAGS_REPOSITORY, sha256Digest(image.config), image.config, image.config.length);
  await uploadBlob(registry, TAGS_REPOSITORY, sha256Digest(image.layer), image.layer, image.layer.length);

  const tags = Array.from({ length: sizes.tags }, (_, index) => `v${String(index).padStart(4, '0')}`);
  await runPool(tags, SEED_CONCURRENCY, (tag) => putManifest(registry, TAGS_REPOSITORY, tag, image.manifest));
}

/** Latency of the full tag list (no `n`), as `skopeo list-tags` and podman request it. */
export async function measureTagList(registry: BenchRegistry, sizes: Sizes): Promise<LatencyStats> {
  const { body } = await timedGet(registry, `/v2/${TAGS_REPOSITORY}/tags/list`);
  const { tags } = JSON.parse(body) as { tags: string[] };
  if (tags.length !== sizes.tags) throw new Error(`${registry.label} listed ${tags.length} tags, expected ${sizes.tags}`);
  return curlLatency(registry, `/v2/${TAGS_REPOSITORY}/tags/list`, sizes.latencySamples);
}

/**
 * Measures the latency of `GET /v2/`, which does next to nothing in either registry. Its
 * p99 shows how much of a slow sample the machine and the client add to any request.
 */
export async function measurePing(registry: BenchRegistry, sizes: Sizes): Promise<LatencyStats> {
  return curlLatency(registry, '/v2/', sizes.latencySamples);
}

/** Reads a `kB` field such as VmRSS from /proc/PID/status, in bytes. */
async function readProcStatus(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`${field} missing from /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export interface MemoryResult {
  /** RSS before the downloads start, in bytes. */
  idleBytes: number;
  /** Highest RSS while the downloads ran, in bytes. */
  peakBytes: number;
  seconds: number;
}

/**
 * Uploads a random blob, resets the process's peak RSS (VmHWM), then lets `memoryClients`
 * clients download it at once, each reading to the end and checking the size. The peak
 * is the larger of VmHWM and VmRSS polled every 10 ms.
 */
export async function measureDownloadMemory(registry: BenchRegistry, workDir: string, sizes: Sizes): Promise<MemoryResult> {
  const repository = 'library/memory';
  const file = path.join(workDir, 'memory-blob.bin');
  const size = sizes.memoryBlobMiB * MIB;
  await writeRandomFile(file, size);
  const bytes = await readFile(file);
  const digest = sha256Digest(bytes);
  await uploadBlob(registry, repository, digest, bytes, size);
  const { size: written } = await stat(file);
  if (written !== size) throw new Error(`memory blob has ${written} bytes, expected ${size}`);

  // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0 and later).
  await writeFile(`/proc/${registry.pid}/clear_refs`, '5');
  const idleBytes = await readProcStatus(registry.pid, 'VmRSS');
  let polledPeak = idleBytes;
  let running = true;
  const poller = (async () => {
    while (running) {
      polledPeak = Math.max(polledPeak, await readProcStatus(registry.pid, 'VmRSS'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();

  const started = process.hrtime.bigint();
  try {
    const clients = Array.from({ length: sizes.memoryClients }, () => downloadBlob(registry, repository, digest));
    for (const received of await Promise.all(clients)) {
      if (received !== size) throw new Error(`a client received ${received} bytes of ${size} from ${registry.label}`);
    }
  } finally {
    running = false;
    await poller;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakBytes = Math.max(polledPeak, await readProcStatus(registry.pid, 'VmHWM'));
  await rm(file, { force: true });
  return { idleBytes, peakBytes, seconds };
}
