// Measures GET /chartrepo/{project}/index.yaml with 10,000 chart versions in one
// project (100 charts x 100 versions). It times the first request, which builds
// the document from every database row, and repeated requests served from the
// cache. Then it times the first request after each of 20 uploads, which
// updates one chart, and the update alone, in process, after 20 more uploads.
// Run: npx tsx test/bench/charts-index.ts
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildIndexEntry } from '../../charts-repo/index/index-entry.ts';
import { startTestWharf } from '../support/wharf.ts';
import { buildChart } from '../charts/support/build-chart.ts';

const CHARTS = 100;
const VERSIONS = 100;
const WARM_REQUESTS = 500;
const UPDATE_ROUNDS = 20;

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function timeGet(url: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  const body = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return { ms: performance.now() - start, bytes: body.byteLength };
}

const wharf = await startTestWharf();
try {
  const project = await wharf.services.projects.get('library');
  const prisma = wharf.services.db.prisma;
  const created = new Date();
  const rows = [];
  for (let chart = 0; chart < CHARTS; chart += 1) {
    for (let version = 0; version < VERSIONS; version += 1) {
      const name = `chart-${chart}`;
      const semver = `${Math.floor(version / 10)}.${version % 10}.0`;
      const metadata = {
        name, version: semver, apiVersion: 'v2' as const, appVersion: `${version}.0`,
        description: `Benchmark chart ${name}`, keywords: ['bench', 'wharf'],
        maintainers: [{ name: 'Bench', email: 'bench@example.com' }], home: 'https://example.com',
      };
      const digest = `sha256:${(chart * VERSIONS + version).toString(16).padStart(64, '0')}`;
      rows.push({
        projectId: project.id, name, version: semver, digest, size: 1000n, source: 'upload',
        entry: buildIndexEntry(metadata, digest, created) as object, details: { dependencies: [], images: [] }, createdAt: created,
      });
    }
  }
  for (let offset = 0; offset < rows.length; offset += 1000) await prisma.chartVersion.createMany({ data: rows.slice(offset, offset + 1000) });
  await prisma.chartCatalog.create({ data: { projectId: project.id, revision: 1 } });

  const url = `${wharf.url}/chartrepo/library/index.yaml`;
  const cold = await timeGet(url);
  const warm: number[] = [];
  for (let index = 0; index < WARM_REQUESTS; index += 1) warm.push((await timeGet(url)).ms);
  warm.sort((left, right) => left - right);

  // Each upload changes the revision, so the next request updates the document from the changed chart.
  // Half the rounds time the HTTP request, half the index update alone, in process.
  const uploadVersion = async (round: number) => {
    const upload = await fetch(`${wharf.url}/api/chartrepo/library/charts`, {
      method: 'POST',
      headers: { authorization: wharf.adminAuth, 'content-type': 'application/octet-stream' },
      body: buildChart(`chart-${round}`, `99.0.${round}`),
    });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
  };
  const updated: number[] = [];
  const updatedInProcess: number[] = [];
  for (let round = 0; round < UPDATE_ROUNDS; round += 1) {
    await uploadVersion(round);
    updated.push((await timeGet(url)).ms);
  }
  for (let round = UPDATE_ROUNDS; round < 2 * UPDATE_ROUNDS; round += 1) {
    await uploadVersion(round);
    const start = performance.now();
    const index = await wharf.services.chartIndex.projectIndex(project);
    index.variant('yaml');
    updatedInProcess.push(performance.now() - start);
  }
  updated.sort((left, right) => left - right);
  updatedInProcess.sort((left, right) => left - right);

  console.log(`index.yaml with ${CHARTS * VERSIONS} to ${CHARTS * VERSIONS + 2 * UPDATE_ROUNDS} chart versions, ${(cold.bytes / 1024 / 1024).toFixed(1)} MiB`);
  console.log(`database: ${wharf.databaseUrl ? 'PostgreSQL' : 'PGlite'}; node ${process.version}; ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}`);
  console.log(`first request (build from rows): ${cold.ms.toFixed(1)} ms`);
  console.log(`cached requests (${WARM_REQUESTS}): p50 ${percentile(warm, 0.5).toFixed(2)} ms, p99 ${percentile(warm, 0.99).toFixed(2)} ms`);
  console.log(`first request after an upload (${UPDATE_ROUNDS} rounds): p50 ${percentile(updated, 0.5).toFixed(1)} ms, max ${updated.at(-1)!.toFixed(1)} ms`);
  console.log(`index update alone, in process (${UPDATE_ROUNDS} rounds): p50 ${percentile(updatedInProcess, 0.5).toFixed(1)} ms, max ${updatedInProcess.at(-1)!.toFixed(1)} ms`);
} finally {
  await wharf.close();
}
