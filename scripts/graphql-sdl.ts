// Writes schema.graphql, the GraphQL schema as SDL, from the type-graphql
// resolvers. Run it after changing a GraphQL type: `npm run graphql:sdl`.
// test/graphql/schema-sdl.test.ts fails while the committed file is stale.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printGraphqlSdl } from '../api/graphql/schema.ts';

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');
await writeFile(target, await printGraphqlSdl());
console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
