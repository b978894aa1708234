// Compares Wharf with CNCF Distribution (docker-registry) on this machine: push and pull
// throughput with skopeo, catalog and tag-list latency, and Wharf's memory under
// concurrent downloads. Run `npm run bench -- --help` for the options.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { TEST_POSTGRES_URL } from '../support/database.ts';
import { runCommand } from '../support/tools.ts';
import {
  buildLargeImage,
  measureCatalogPage,
  measureDownloadMemory,
  measurePing,
  measureTagList,
  measureThroughput,
  seedCatalog,
  seedTags,
  type CatalogPage,
  type LatencyStats,
  type Sizes,
} from './scenarios.ts';
import { type BenchDatabase, startDistributionProcess, startWharfProcess, type BenchRegistry } from './servers.ts';

const PARTS = ['throughput', 'catalog', 'tags', 'memory'] as const;
type Part = (typeof PARTS)[number];

const FULL_SIZES: Sizes = {
  imageMiB: 512,
  imageLayers: 8,
  copyRepeats: 5,
  repositories: 10_000,
  tags: 1_000,
  latencySamples: 500,
  memoryBlobMiB: 100,
  memoryClients: 50,
};

const QUICK_SIZES: Sizes = {
  imageMiB: 32,
  imageLayers: 4,
  copyRepeats: 1,
  repositories: 500,
  tags: 100,
  latencySamples: 20,
  memoryBlobMiB: 16,
  memoryClients: 50,
};

const DATABASES: readonly BenchDatabase[] = ['postgres', 'pglite'];

const HELP = `Usage: npm run bench -- [--quick] [--only PARTS] [--database KIND] [--write]

  --quick          small sizes (32 MiB image, 500 repositories, 100 tags, 16 MiB blob)
  --only PARTS     comma-separated parts to run: ${PARTS.join(', ')} (default: all)
  --database KIND  postgres (default): a new database on the server at
                   WHARF_TEST_POSTGRES_URL (default ${TEST_POSTGRES_URL}),
                   dropped at the end; pglite: the embedded database
  --write          replace the results section of docs/benchmarks.md with this run's tables

Wharf runs as a child process. Both registries listen on 127.0.0.1 and store blobs
on the local file system.`;

const MIB = 1024 * 1024;
const DOCS_PAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md');
const RESULTS_START = '<!-- results:start -->';
const RESULTS_END = '<!-- results:end -->';

interface Options {
  sizes: Sizes;
  parts: Part[];
  database: BenchDatabase;
  write: boolean;
  quick: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      database: { type: 'string', default: 'postgres' },
      write: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }

  const parts = values.only ? values.only.split(',').map((part) => part.trim()) : [...PARTS];
  const unknown = parts.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')} in --only; choose from ${PARTS.join(', ')}`);
  const database = values.database as BenchDatabase;
  if (!DATABASES.includes(database)) throw new Error(`unknown --database ${values.database}; choose from ${DATABASES.join(', ')}`);
  return { sizes: values.quick ? QUICK_SIZES : FULL_SIZES, parts: parts as Part[], database, write: values.write, quick: values.quick };
}

function format(value: number, digits = 1): string {
  return value.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

function runs(values: number[]): string {
  return values.map((value) => format(value)).join(', ');
}

function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

/** Times one step and logs it, so a long run shows progress on stderr. */
async function step<T>(label: string, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  console.error(`… ${label}`);
  const result = await action();
  console.error(`  done in ${format((Date.now() - started) / 1000)} s`);
  return result;
}

async function describeDatabase(database: BenchDatabase): Promise<string> {
  if (database === 'pglite') return 'embedded PGlite';
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0]?.server_version ?? 'unknown version'} on 127.0.0.1 (a new database, \`DATABASE_URL\`)`;
  } finally {
    await client.end();
  }
}

async function describeMachine(database: BenchDatabase): Promise<string> {
  const cpus = os.cpus();
  const { stdout: skopeoVersion } = await runCommand('skopeo', ['--version']);
  const gib = os.totalmem() / 1024 ** 3;
  return [
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${format(gib, 0)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node.js ${process.version}, ${skopeoVersion.trim()}, docker-registry (CNCF Distribution) from Debian`,
    `- Wharf database: ${await describeDatabase(database)}; both registries store blobs on the local file system`,
  ].join('\n');
}

/** Returns the 1-minute load average, which shows how busy the shared machine was during a part. */
function loadAverage(): string {
  return format(os.loadavg()[0] ?? 0, 2);
}

async function runThroughput(wharf: BenchRegistry, distribution: BenchRegistry, sizes: Sizes, workDir: string): Promise<string> {
  const image = await step(`building a ${sizes.imageMiB} MiB image in ${sizes.imageLayers} layers with umoci`, () => buildLargeImage(workDir, sizes));
  const [ours, theirs] = await step('skopeo push and pull, Wharf and docker-registry in turn', () =>
    measureThroughput([wharf, distribution], image, workDir, sizes),
  );
  await rm(image.layout, { recursive: true, force: true });

  const row = (label: string, wharfValue: number, distributionValue: number) => {
    const ratio = wharfValue / distributionValue;
    return [label, format(wharfValue), format(distributionValue), format(ratio, 2), `≥ 1.00: ${verdict(ratio >= 1)}`];
  };
  return [
    `### Push and pull throughput (skopeo copy, ${format(image.bytes / MIB)} MiB in ${sizes.imageLayers} layers)`,
    '',
    `Median of ${sizes.copyRepeats} runs each. A push is one \`skopeo copy\` from an OCI layout into a new repository, with skopeo's blob info cache cleared first so that every blob is uploaded. A pull copies the first repository into a new OCI layout. The registries alternate, Wharf first in odd runs and docker-registry first in even ones: all pushes, then all pulls.`,
    '',
    table(['MiB/s', 'Wharf', 'docker-registry', 'Wharf / docker-registry', 'target'], [row('push', ours.pushMiBps, theirs.pushMiBps), row('pull', ours.pullMiBps, theirs.pullMiBps)]),
    '',
    `Every run, MiB/s in order: Wharf push ${runs(ours.pushRuns)}, pull ${runs(ours.pullRuns)}; docker-registry push ${runs(theirs.pushRuns)}, pull ${runs(theirs.pullRuns)}.`,
  ].join('\n');
}

function latencyRows(label: string, ours: LatencyStats, theirs: LatencyStats, minimumSpeedup: number): string[][] {
  return (['p50', 'p99'] as const).map((key) => {
    const speedup = theirs[key] / ours[key];
    return [`${label} ${key}`, format(ours[key], 2), format(theirs[key], 2), `${format(speedup, speedup < 10 ? 2 : 1)}x`, `≥ ${minimumSpeedup}x: ${verdict(speedup >= minimumSpeedup)}`];
  });
}

async function runCatalog(wharf: BenchRegistry, distribution: BenchRegistry, sizes: Sizes): Promise<string> {
  await step(`seeding ${sizes.repositories} repositories in both registries`, () =>
    Promise.all([wharf, distribution].map((registry) => naming(registry, 'seeding the catalog', seedCatalog(registry, sizes)))),
  );

  const rows: string[][] = [];
  for (const page of ['first', 'middle', 'last'] as CatalogPage[]) {
    const ours = await step(`catalog ${page} page, Wharf`, () => measureCatalogPage(wharf, page, sizes));
    const theirs = await step(`catalog ${page} page, docker-registry`, () => measureCatalogPage(distribution, page, sizes));
    rows.push(...latencyRows(`${page} page`, ours, theirs, 20));
  }
  return [
    `### Catalog latency (${sizes.repositories} repositories, pages of 100)`,
    '',
    `\`GET /v2/_catalog?n=100[&last=…]\`, ${sizes.latencySamples} sequential requests per page with curl over one connection, milliseconds.`,
    '',
    table(['ms', 'Wharf', 'docker-registry', 'speedup', 'target'], rows),
  ].join('\n');
}

/** Adds the registry and the step to the message of a failure, so the error of a failed run names the server. */
async function naming<T>(registry: BenchRegistry, action: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw new Error(`${action} failed on ${registry.label}: ${(error as Error).message}`, { cause: error });
  }
}

async function runTags(wharf: BenchRegistry, distribution: BenchRegistry, sizes: Sizes): Promise<string> {
  await step(`seeding ${sizes.tags} tags in both registries`, () => Promise.all([wharf, distribution].map((registry) => naming(registry, 'seeding tags', seedTags(registry, sizes)))));
  const ours = await step('tag list, Wharf', () => measureTagList(wharf, sizes));
  const theirs = await step('tag list, docker-registry', () => measureTagList(distribution, sizes));
  const ourPing = await step('GET /v2/, Wharf', () => measurePing(wharf, sizes));
  const theirPing = await step('GET /v2/, docker-registry', () => measurePing(distribution, sizes));
  const pingRows = (['p50', 'p99'] as const).map((key) => [`GET /v2/ ${key}`, format(ourPing[key], 2), format(theirPing[key], 2), '', 'none (reference)']);
  return [
    `### Tag list latency (one repository with ${sizes.tags} tags)`,
    '',
    `\`GET /v2/<name>/tags/list\` without \`n\`, ${sizes.latencySamples} sequential requests with curl over one connection, milliseconds. \`GET /v2/\`, which does next to nothing in either registry, shows what the machine and the client add to every request.`,
    '',
    table(['ms', 'Wharf', 'docker-registry', 'speedup', 'target'], [...latencyRows('tag list', ours, theirs, 1), ...pingRows]),
  ].join('\n');
}

async function runMemory(wharf: BenchRegistry, distribution: BenchRegistry, sizes: Sizes, workDir: string): Promise<string> {
  const ours = await step(`${sizes.memoryClients} concurrent downloads, Wharf`, () => measureDownloadMemory(wharf, workDir, sizes));
  const theirs = await step(`${sizes.memoryClients} concurrent downloads, docker-registry`, () => measureDownloadMemory(distribution, workDir, sizes));
  const mib = (bytes: number) => format(bytes / MIB);
  const throughput = (seconds: number) => format((sizes.memoryClients * sizes.memoryBlobMiB) / seconds);
  return [
    `### Memory while ${sizes.memoryClients} clients download a ${sizes.memoryBlobMiB} MiB blob at once`,
    '',
    'Resident set size of the registry process: idle just before, and the peak (VmHWM after a reset, or VmRSS polled every 10 ms).',
    '',
    table(
      ['', 'Wharf', 'docker-registry', 'Wharf / docker-registry', 'target'],
      [
        ['idle RSS, MiB', mib(ours.idleBytes), mib(theirs.idleBytes), format(ours.idleBytes / theirs.idleBytes, 2), ''],
        ['peak RSS, MiB', mib(ours.peakBytes), mib(theirs.peakBytes), format(ours.peakBytes / theirs.peakBytes, 2), `Wharf < 300 MiB: ${verdict(ours.peakBytes < 300 * MIB)}`],
        ['aggregate download, MiB/s', throughput(ours.seconds), throughput(theirs.seconds), format(theirs.seconds / ours.seconds, 2), ''],
      ],
    ),
  ].join('\n');
}

async function writeResults(section: string): Promise<void> {
  const page = await readFile(DOCS_PAGE, 'utf8');
  const start = page.indexOf(RESULTS_START);
  const end = page.indexOf(RESULTS_END);
  if (start < 0 || end < start) throw new Error(`${DOCS_PAGE} lacks the ${RESULTS_START} and ${RESULTS_END} markers`);
  await writeFile(DOCS_PAGE, `${page.slice(0, start + RESULTS_START.length)}\n${section}\n${page.slice(end)}`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'wharf-bench-work-'));
  const registries = await step(`starting Wharf (${options.database}) and docker-registry`, () =>
    Promise.all([startWharfProcess(options.database), startDistributionProcess()]),
  );
  const [wharf, distribution] = registries;

  const sections: string[] = [];
  try {
    const command = [
      'npm run bench --',
      ...(options.quick ? ['--quick'] : []),
      ...(options.parts.length < PARTS.length ? ['--only', options.parts.join(',')] : []),
      '--database',
      options.database,
    ].join(' ');
    sections.push(`Command: \`${command}\`, run on ${new Date().toISOString().slice(0, 10)}.\n\n${await describeMachine(options.database)}`);
    const loads: string[] = [];
    for (const part of options.parts) {
      const loadBefore = loadAverage();
      switch (part) {
        case 'throughput':
          sections.push(await runThroughput(wharf, distribution, options.sizes, workDir));
          break;
        case 'catalog':
          sections.push(await runCatalog(wharf, distribution, options.sizes));
          break;
        case 'tags':
          sections.push(await runTags(wharf, distribution, options.sizes));
          break;
        case 'memory':
          sections.push(await runMemory(wharf, distribution, options.sizes, workDir));
          break;
      }
      loads.push(`${part} ${loadBefore} → ${loadAverage()}`);
    }
    sections.push(`Load average (1 minute) before → after each part: ${loads.join('; ')}.`);
  } finally {
    await Promise.all(registries.map((registry) => registry.stop()));
    await rm(workDir, { recursive: true, force: true });
  }

  const section = sections.join('\n\n');
  console.log(`\n${section}\n`);
  if (options.write) {
    await writeResults(section);
    console.error(`wrote the results to ${DOCS_PAGE}`);
  }
}

await main();
