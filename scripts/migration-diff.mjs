// Prints the SQL that takes the database from one Prisma schema to another.
//
//   npm run db:diff                 # from the committed schema (git HEAD) to the working copy
//   npm run db:diff -- --from-empty # the whole schema from nothing
//   npm run db:diff -- OLD.prisma   # from OLD.prisma to the working copy
//
// Prisma 7's CLI needs a native schema engine that cannot be downloaded here, so
// this runs Prisma 6.19's CLI (WebAssembly engine, driver-adapter mode) from a
// folder under the system temporary directory, installed there on first use. Save the output as prisma/migrations/NNNN_name/migration.sql.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PRISMA6 = '6.19.0';
// The CLI opens a connection through the adapter even when it compares two schema files.
const postgresUrl = process.env.WHARF_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const workDir = path.join(os.tmpdir(), 'wharf-prisma6');
mkdirSync(workDir, { recursive: true });

/** Prisma 6 wants a datasource url and an engine type that Prisma 7 schemas no longer carry. */
function toPrisma6(schema) {
  return schema
    .replace(/provider\s*=\s*"postgresql"/, 'provider = "postgresql"\n  url = "postgresql://unused@localhost/unused"')
    .replace(/provider\s*=\s*"prisma-client"/, 'provider = "prisma-client"\n  engineType = "client"');
}

function writeSchema(name, text) {
  const file = path.join(workDir, name);
  writeFileSync(file, toPrisma6(text));
  return file;
}

writeFileSync(
  path.join(workDir, 'prisma.config.ts'),
  `import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: ${JSON.stringify(postgresUrl)} }),
});
`,
);
writeFileSync(path.join(workDir, 'package.json'), '{"name":"wharf-prisma6","private":true}\n');

const target = writeSchema('to.prisma', readFileSync('prisma/schema.prisma', 'utf8'));
const argument = process.argv[2];
let from;
if (argument === '--from-empty') {
  from = ['--from-empty'];
} else {
  const oldSchema = argument ? readFileSync(argument, 'utf8') : execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { encoding: 'utf8' });
  from = ['--from-schema-datamodel', writeSchema('from.prisma', oldSchema)];
}

const prismaBin = path.join(workDir, 'node_modules', '.bin', 'prisma');
if (!existsSync(prismaBin)) {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `prisma@${PRISMA6}`, `@prisma/adapter-pg@${PRISMA6}`, 'pg'], {
    cwd: workDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const result = spawnSync(
  prismaBin,
  ['migrate', 'diff', ...from, '--to-schema-datamodel', target, '--script'],
  {
    cwd: workDir,
    encoding: 'utf8',
    // Any existing file: the CLI checks for the native engines before it uses the WebAssembly ones.
    env: { ...process.env, PRISMA_QUERY_ENGINE_LIBRARY: process.execPath, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath },
  },
);
if (result.status !== 0) {
  process.stderr.write(result.stderr);
  process.exit(result.status ?? 1);
}
process.stdout.write(result.stdout.split('\n').filter((line) => !line.startsWith('Loaded Prisma config')).join('\n'));
