// Measures the GraphQL catalog with 10,000 repositories, 100,000 artifacts and
// 5,000 chart versions seeded straight into the database. It times the portal's
// catalog page (50 repositories with their 10 newest artifacts, tags, sizes and
// scan summaries) and `search`, each over HTTP from this process to /graphql.
// Run: npx tsx test/bench/graphql-catalog.ts [--samples N]
// It uses the test PostgreSQL server, or PGlite with WHARF_TEST_DB=pglite.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { basic } from '../graphql/graphql-client.ts';
import { seedChartVersions, seedRepositories } from '../support/catalog-seed.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';

const PROJECTS = 10;
const REPOSITORIES_PER_PROJECT = 1_000;
const ARTIFACTS_PER_REPOSITORY = 10;
const CHARTS_PER_PROJECT = 100;
const VERSIONS_PER_CHART = 5;
const WARMUP = 10;

const CATALOG_PAGE = `query($project: String!, $sort: RepositorySort, $after: String) {
  project(name: $project) { name quota { used limit } }
  repositories(project: $project, first: 50, sort: $sort, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    edges { node { name size artifactCount pushedAt
      artifacts(first: 10) { totalCount edges { node { digest kind size pushedAt tags { name immutable } scan { status critical high } } } }
    } }
  }
}`;

const SEARCH = `query($text: String!) {
  search(text: $text, first: 20) {
    totalCount facets { types { value count } projects { value count } }
    edges { node { type projectName name repository { name } chart { name latestVersion { version } } } }
  }
}`;

interface Stats {
  p50: number;
  p99: number;
  samples: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function post(wharf: TestWharf, authorization: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${wharf.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (response.status !== 200 || body.errors) throw new Error(`GraphQL request failed (${response.status}): ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** Times `samples` requests after a warm-up; `send` gets the request's index. */
async function measure(samples: number, send: (index: number) => Promise<unknown>): Promise<Stats> {
  for (let index = 0; index < WARMUP; index += 1) await send(index);
  const times: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const started = performance.now();
    await send(index);
    times.push(performance.now() - started);
  }
  times.sort((left, right) => left - right);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), samples };
}

async function seed(wharf: TestWharf): Promise<string> {
  const { services } = wharf;
  const prisma = services.db.prisma;
  const user = await services.users.create({ username: 'bench', password: 'bench-password' });
  for (let number = 1; number <= PROJECTS; number += 1) {
    const name = `p${String(number).padStart(2, '0')}`;
    // Half the projects are public; the user is a developer in the first three, so search mixes both kinds.
    const project = await services.projects.create(name, { public: number % 2 === 0 });
    if (number <= 3) await services.members.add(project.id, user.id, 'developer');
    await seedRepositories(prisma, { projectId: project.id, namePrefix: `${name}/app-`, repositories: REPOSITORIES_PER_PROJECT, artifactsPerRepository: ARTIFACTS_PER_REPOSITORY });
    await seedChartVersions(prisma, { projectId: project.id, charts: CHARTS_PER_PROJECT, versionsPerChart: VERSIONS_PER_CHART });
  }
  await prisma.$executeRawUnsafe('ANALYZE');
  return basic('bench', 'bench-password');
}

function row(label: string, stats: Stats): string {
  return `| ${label} | ${stats.samples} | ${stats.p50.toFixed(1)} | ${stats.p99.toFixed(1)} |`;
}

const { values } = parseArgs({ options: { samples: { type: 'string', default: '100' } } });
const samples = Number(values.samples);
if (!Number.isInteger(samples) || samples < 1) throw new Error(`invalid --samples ${values.samples}: use a positive integer`);

const wharf = await startTestWharf();
try {
  const loadAtStart = os.loadavg()[0]!;
  const seedStarted = performance.now();
  const authorization = await seed(wharf);
  const counts = await wharf.services.db.prisma.$queryRawUnsafe<{ repositories: bigint; artifacts: bigint; charts: bigint }[]>(
    'SELECT (SELECT COUNT(*) FROM repositories) AS repositories, (SELECT COUNT(*) FROM artifacts) AS artifacts, (SELECT COUNT(*) FROM chart_versions) AS charts',
  );
  const seconds = ((performance.now() - seedStarted) / 1000).toFixed(1);

  // Walks the pages of one project by cursor, so later pages are measured as well as the first.
  let after: string | null = null;
  const byName = await measure(samples, async () => {
    const data = await post(wharf, authorization, CATALOG_PAGE, { project: 'p01', after });
    after = data.repositories.pageInfo.hasNextPage ? data.repositories.pageInfo.endCursor : null;
  });
  const bySize = await measure(samples, () => post(wharf, authorization, CATALOG_PAGE, { project: 'p02', sort: 'SIZE' }));
  const selective = await measure(samples, (index) => post(wharf, authorization, SEARCH, { text: `app-${String((index * 37) % REPOSITORIES_PER_PROJECT + 1).padStart(5, '0')}` }));
  const keyword = await measure(samples, (index) => post(wharf, authorization, SEARCH, { text: `kw-${index % 50}` }));
  const broad = await measure(samples, () => post(wharf, authorization, SEARCH, { text: 'v1' }));

  const row0 = counts[0]!;
  console.log(`Seeded ${row0.repositories} repositories, ${row0.artifacts} artifacts and ${row0.charts} chart versions in ${seconds} s.`);
  console.log(`Database: ${wharf.databaseUrl ? 'PostgreSQL' : 'PGlite'}; Node.js ${process.version}; ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} x ${os.cpus().length}.`);
  console.log(`1-minute load average: ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at the end.`);
  console.log('');
  console.log('| request | samples | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- |');
  console.log(row('catalog page, by name, walking pages', byName));
  console.log(row('catalog page, by size', bySize));
  console.log(row('search, one repository number', selective));
  console.log(row('search, chart keyword', keyword));
  console.log(row('search "v1" (matches 20% of tags)', broad));
} finally {
  await wharf.close();
}
