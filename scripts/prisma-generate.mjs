// Runs `prisma generate` offline. Prisma 7's CLI tries to fetch its native schema
// engine before generating even though generation does not use it, so point
// PRISMA_SCHEMA_ENGINE_BINARY at an existing file to skip the download.
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath },
});
process.exit(result.status ?? 1);
