import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyRequest } from 'fastify';
import { execute, type GraphQLSchema, parse } from 'graphql';
import pg from 'pg';
import { createContext } from '../../api/graphql/context.ts';
import { buildGraphqlSchema } from '../../api/graphql/schema.ts';
import { seedRepositories } from '../support/catalog-seed.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basic } from './graphql-client.ts';

const CATALOG_PAGE = `query($first: Int!) {
  project(name: "team") { name quota { used limit } myRole }
  repositories(project: "team", first: $first) {
    totalCount
    edges { node { name size artifactCount tagCount pushedAt pulledAt
      artifacts(first: 10) { totalCount edges { node {
        digest kind size pushedAt manifest tags { name immutable } labels { name } scan { status critical high total }
      } } }
    } }
  }
}`;

/** Statement counter of the operation that runs in the current async context, if any. */
const counters = new AsyncLocalStorage<{ count: number }>();

/**
 * Wraps the query methods of the node-postgres pool and of PGlite so that a
 * statement sent inside `counters.run` counts for that run. Statements of the
 * instance's background jobs (such as the scan worker's poll) run outside it.
 * The pool's method is wrapped, not the client's, because a query that waits
 * for a free connection reaches the client from another async context.
 *
 * NOTE: statements inside interactive transactions go to a checked-out client
 * and are not counted; the catalog reads use none.
 */
function watchStatements(): () => void {
  const pgQuery = pg.Pool.prototype.query;
  const pgliteQuery = PGlite.prototype.query;
  pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
    const counter = counters.getStore();
    if (counter) counter.count += 1;
    return (pgQuery as (...values: unknown[]) => unknown).apply(this, args);
  } as typeof pgQuery;
  PGlite.prototype.query = function (this: PGlite, ...args: unknown[]) {
    const counter = counters.getStore();
    if (counter) counter.count += 1;
    return (pgliteQuery as (...values: unknown[]) => unknown).apply(this, args);
  } as typeof pgliteQuery;
  return () => {
    pg.Pool.prototype.query = pgQuery;
    PGlite.prototype.query = pgliteQuery;
  };
}

/**
 * Runs one operation through the GraphQL schema in this process, as /graphql
 * would for a request with this Authorization header, and counts its SQL
 * statements. Running in process is what lets the async context tell the
 * operation's statements from others; the HTTP layer adds none.
 */
async function runCounted(wharf: TestWharf, schema: GraphQLSchema, query: string, variables: Record<string, unknown>, authorization: string) {
  const counter = { count: 0 };
  const result = await counters.run(counter, async () => {
    const request = { headers: { authorization }, ip: '127.0.0.1' } as unknown as FastifyRequest;
    const contextValue = await createContext(wharf.services, request);
    return execute({ schema, document: parse(query), variableValues: variables, contextValue });
  });
  return { result, statements: counter.count };
}

describe('GraphQL catalog statement count', () => {
  let wharf: TestWharf;
  let schema: GraphQLSchema;
  let stopWatching: () => void;
  const member = basic('reader', 'reader-password');

  before(async () => {
    wharf = await startTestWharf();
    const project = await wharf.services.projects.create('team', { public: false });
    const user = await wharf.services.users.create({ username: 'reader', password: 'reader-password' });
    await wharf.services.members.add(project.id, user.id, 'guest');
    await seedRepositories(wharf.services.db.prisma, { projectId: project.id, namePrefix: 'team/app-', repositories: 60, artifactsPerRepository: 12 });
    schema = await buildGraphqlSchema();
    stopWatching = watchStatements();
  });
  after(async () => {
    stopWatching();
    await wharf.close();
  });

  test('page size does not change statements', async () => {
    // A first run warms the caller's sign-in cache, so both measured runs authenticate alike.
    await runCounted(wharf, schema, CATALOG_PAGE, { first: 1 }, member);

    const counts: Record<number, number> = {};
    for (const first of [5, 50]) {
      const { result, statements } = await runCounted(wharf, schema, CATALOG_PAGE, { first }, member);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const data = result.data as { repositories: { edges: { node: { artifacts: { totalCount: number; edges: { node: { tags: unknown[]; manifest: string } }[] } } }[] } };
      assert.equal(data.repositories.edges.length, first);
      for (const { node } of data.repositories.edges) {
        assert.equal(node.artifacts.totalCount, 12);
        assert.equal(node.artifacts.edges.length, 10);
        assert.equal(node.artifacts.edges[0]!.node.tags.length, 1);
        assert.equal(node.artifacts.edges[0]!.node.manifest, '{}');
      }
      counts[first] = statements;
    }

    assert.equal(counts[50], counts[5], `statements for 50 repositories (${counts[50]}) differ from those for 5 (${counts[5]})`);
    // Sign-in, project and role, the page and its count, then one statement per kind of data.
    assert.ok(counts[5]! >= 10, `only ${counts[5]} statements were counted; the counter missed the operation's statements`);
    assert.ok(counts[50]! <= 20, `the catalog page ran ${counts[50]} statements; expected a small fixed number`);
  });
});
