import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { printGraphqlSdl } from '../../api/graphql/schema.ts';

test('committed schema.graphql is current', async () => {
  const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
  const generated = await printGraphqlSdl();
  assert.equal(committed, generated, 'schema.graphql differs from the resolvers; run `npm run graphql:sdl` and commit the result');
});
