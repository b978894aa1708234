// Bundles the server (api/main.ts and what it imports) with esbuild, so `npm start`
// runs plain JavaScript. Under the tsx loader, Node.js runs module hooks on a second
// thread, which held about 50 MiB more than the bundle. Packages stay in
// node_modules, and code that loads on first use (the GraphQL stack) gets its own
// chunk. Tests and the command line keep running the TypeScript through tsx.
//
// Usage: node scripts/build-server.mjs [--outdir DIR]. DIR (default dist) must lie
// inside the checkout, where Node.js finds node_modules and Wharf finds package.json.
// Files of an earlier build stay, so a server started from it can still load its chunks.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const rootDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = path.resolve(rootDir, values.outdir);
if (path.relative(rootDir, outdir).startsWith('..')) {
  throw new Error(`--outdir ${values.outdir} is outside ${rootDir}; the bundle must lie inside the checkout`);
}

await build({
  entryPoints: [path.join(rootDir, 'api', 'main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  tsconfig: path.join(rootDir, 'tsconfig.json'),
  logLevel: 'warning',
});
