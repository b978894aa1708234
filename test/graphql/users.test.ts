import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { basic, errorCode, graphql, type GraphqlResponse } from './graphql-client.ts';

const PASSWORD = 'alice-password-1';

describe('GraphQL users and sign-in', () => {
  let wharf: TestWharf;
  let alice: string;

  before(async () => {
    wharf = await startTestWharf();
    await wharf.services.users.create({ username: 'alice', password: PASSWORD, email: 'alice@example.com' });
    await wharf.services.users.create({ username: 'bob', password: 'bob-password-1', email: 'bob@example.com' });
    alice = basic('alice', PASSWORD);
  });
  after(async () => {
    await wharf.close();
  });

  test('me with Basic credentials', async () => {
    const response = await graphql(wharf, '{ me { username email isAdmin disabled } }', {}, alice);
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data?.me, { username: 'alice', email: 'alice@example.com', isAdmin: false, disabled: false });
  });

  test('me is null for anonymous', async () => {
    const response = await graphql(wharf, '{ me { username } }');
    assert.equal(response.errors, undefined);
    assert.equal(response.data?.me, null);
  });

  test('wrong password is UNAUTHENTICATED', async () => {
    const response = await graphql(wharf, '{ me { username } }', {}, basic('alice', 'wrong-password'));
    assert.equal(response.status, 401);
    assert.equal(errorCode(response), 'UNAUTHENTICATED');
  });

  test('garbage bearer is UNAUTHENTICATED', async () => {
    const response = await graphql(wharf, '{ me { username } }', {}, 'Bearer not-a-token');
    assert.equal(response.status, 401);
    assert.equal(errorCode(response), 'UNAUTHENTICATED');
  });

  test('Bearer registry token identifies user', async () => {
    const tokenResponse = await fetch(`${wharf.url}/service/token?service=wharf&scope=repository:library/app:pull`, {
      headers: { authorization: alice },
    });
    assert.equal(tokenResponse.status, 200);
    const { token } = (await tokenResponse.json()) as { token: string };

    const response = await graphql(wharf, '{ me { username } }', {}, `Bearer ${token}`);
    assert.equal(response.errors, undefined);
    assert.equal(response.data?.me.username, 'alice');

    // A short-lived pull token must not mint a lasting secret or change anything.
    const minted = await graphql(wharf, 'mutation { createAccessToken(input: { name: "from-pull-token" }) { secret } }', {}, `Bearer ${token}`);
    assert.equal(errorCode(minted), 'FORBIDDEN');
    assert.equal(minted.status, 403);
    const tokens = await graphql(wharf, '{ me { accessTokens { name } } }', {}, alice);
    assert.equal(tokens.data?.me.accessTokens.some((item: { name: string }) => item.name === 'from-pull-token'), false);
  });

  test('Bearer access token identifies user', async () => {
    const created = await graphql(wharf, 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret token { id name revokedAt } } }', { input: { name: 'ci' } }, alice);
    assert.equal(created.errors, undefined);
    const { secret, token } = created.data?.createAccessToken;
    assert.equal(token.name, 'ci');
    assert.equal(token.revokedAt, null);

    const asBearer = await graphql(wharf, '{ me { username accessTokens { id name } } }', {}, `Bearer ${secret}`);
    assert.equal(asBearer.errors, undefined);
    assert.equal(asBearer.data?.me.username, 'alice');
    assert.deepEqual(asBearer.data?.me.accessTokens, [{ id: token.id, name: 'ci' }]);

    const asBasic = await graphql(wharf, '{ me { username } }', {}, basic('alice', secret));
    assert.equal(asBasic.data?.me.username, 'alice');

    const revoked = await graphql(wharf, 'mutation($id: Int!) { revokeAccessToken(id: $id) { id revokedAt } }', { id: token.id }, alice);
    assert.equal(revoked.errors, undefined);
    assert.notEqual(revoked.data?.revokeAccessToken.revokedAt, null);

    const afterRevoke = await graphql(wharf, '{ me { username } }', {}, `Bearer ${secret}`);
    assert.equal(afterRevoke.status, 401);
    assert.equal(errorCode(afterRevoke), 'UNAUTHENTICATED');
  });

  test("revokeAccessToken hides others' tokens", async () => {
    const created = await graphql(wharf, 'mutation { createAccessToken(input: { name: "bob-token" }) { token { id } } }', {}, basic('bob', 'bob-password-1'));
    const id = created.data?.createAccessToken.token.id;

    const byAlice = await graphql(wharf, 'mutation($id: Int!) { revokeAccessToken(id: $id) { id } }', { id }, alice);
    assert.equal(errorCode(byAlice), 'NOT_FOUND');
    const anonymous = await graphql(wharf, 'mutation($id: Int!) { revokeAccessToken(id: $id) { id } }', { id });
    assert.equal(errorCode(anonymous), 'UNAUTHENTICATED');
    const byAdmin = await graphql(wharf, 'mutation($id: Int!) { revokeAccessToken(id: $id) { id revokedAt } }', { id }, wharf.adminAuth);
    assert.equal(byAdmin.errors, undefined);
    assert.notEqual(byAdmin.data?.revokeAccessToken.revokedAt, null);
  });

  test('users is for admins only', async () => {
    const anonymous = await graphql(wharf, '{ users { totalCount } }');
    assert.equal(errorCode(anonymous), 'UNAUTHENTICATED');
    const ordinary = await graphql(wharf, '{ users { totalCount } }', {}, alice);
    assert.equal(errorCode(ordinary), 'FORBIDDEN');
  });

  test('users pages with keyset cursors', async () => {
    for (const name of ['pager-a', 'pager-b', 'pager-c']) await wharf.services.users.create({ username: name, password: 'pager-password' });
    const query = 'query($after: String) { users(first: 2, after: $after) { totalCount edges { cursor node { username } } pageInfo { hasNextPage hasPreviousPage endCursor } } }';

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const response: GraphqlResponse = await graphql(wharf, query, { after: cursor }, wharf.adminAuth);
      assert.equal(response.errors, undefined);
      const connection = response.data?.users;
      assert.equal(connection.totalCount, 6);
      assert.ok(connection.edges.length <= 2);
      assert.equal(connection.pageInfo.hasPreviousPage, cursor !== null);
      seen.push(...connection.edges.map((edge: { node: { username: string } }) => edge.node.username));
      pages += 1;
      if (!connection.pageInfo.hasNextPage) break;
      cursor = connection.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['admin', 'alice', 'bob', 'pager-a', 'pager-b', 'pager-c']);
  });

  test('email is private to self and admins', async () => {
    await wharf.services.projects.create('shared', { public: true });
    const project = await wharf.services.projects.get('shared');
    const aliceRecord = await wharf.services.users.findByName('alice');
    const bobRecord = await wharf.services.users.findByName('bob');
    await wharf.services.members.add(project.id, aliceRecord!.id, 'guest');
    await wharf.services.members.add(project.id, bobRecord!.id, 'guest');

    const response = await graphql(wharf, '{ project(name: "shared") { members { username user { username email accessTokens { id } } } } }', {}, alice);
    assert.equal(response.errors, undefined);
    const members = response.data?.project.members as { username: string; user: { email: string | null; accessTokens: unknown } }[];
    const bob = members.find((member) => member.username === 'bob');
    const self = members.find((member) => member.username === 'alice');
    assert.equal(bob?.user.email, null);
    assert.equal(bob?.user.accessTokens, null);
    assert.equal(self?.user.email, 'alice@example.com');
  });

  test('createUser by admin, refused for others', async () => {
    const mutation = 'mutation($input: CreateUserInput!) { createUser(input: $input) { username email isAdmin } }';
    const input = { username: 'carol', password: 'carol-password', email: 'carol@example.com' };

    assert.equal(errorCode(await graphql(wharf, mutation, { input })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await graphql(wharf, mutation, { input }, alice)), 'FORBIDDEN');

    const created = await graphql(wharf, mutation, { input }, wharf.adminAuth);
    assert.equal(created.errors, undefined);
    assert.deepEqual(created.data?.createUser, { username: 'carol', email: 'carol@example.com', isAdmin: false });

    const duplicate = await graphql(wharf, mutation, { input }, wharf.adminAuth);
    assert.equal(errorCode(duplicate), 'CONFLICT');
    const invalid = await graphql(wharf, mutation, { input: { username: 'Not Valid', password: 'long-enough' } }, wharf.adminAuth);
    assert.equal(errorCode(invalid), 'BAD_USER_INPUT');
    const shortPassword = await graphql(wharf, mutation, { input: { username: 'dave', password: 'short' } }, wharf.adminAuth);
    assert.equal(errorCode(shortPassword), 'BAD_USER_INPUT');
  });

  test('updateUser by self needs old password', async () => {
    await wharf.services.users.create({ username: 'erin', password: 'erin-password-1' });
    const erin = basic('erin', 'erin-password-1');
    const mutation = 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { username email isAdmin disabled } }';

    const email = await graphql(wharf, mutation, { input: { username: 'erin', email: 'erin@example.com' } }, erin);
    assert.equal(email.errors, undefined);
    assert.equal(email.data?.updateUser.email, 'erin@example.com');

    const noOld = await graphql(wharf, mutation, { input: { username: 'erin', password: 'erin-password-2' } }, erin);
    assert.equal(errorCode(noOld), 'BAD_USER_INPUT');
    const wrongOld = await graphql(wharf, mutation, { input: { username: 'erin', password: 'erin-password-2', oldPassword: 'nope-nope' } }, erin);
    assert.equal(errorCode(wrongOld), 'BAD_USER_INPUT');

    const changed = await graphql(wharf, mutation, { input: { username: 'erin', password: 'erin-password-2', oldPassword: 'erin-password-1' } }, erin);
    assert.equal(changed.errors, undefined);
    const withNew = await graphql(wharf, '{ me { username } }', {}, basic('erin', 'erin-password-2'));
    assert.equal(withNew.data?.me.username, 'erin');
    const withOld = await graphql(wharf, '{ me { username } }', {}, erin);
    assert.equal(errorCode(withOld), 'UNAUTHENTICATED');
  });

  test('updateUser refusals for ordinary users', async () => {
    const mutation = 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { username } }';
    const promote = await graphql(wharf, mutation, { input: { username: 'alice', isAdmin: true } }, alice);
    assert.equal(errorCode(promote), 'FORBIDDEN');
    const other = await graphql(wharf, mutation, { input: { username: 'bob', email: 'evil@example.com' } }, alice);
    assert.equal(errorCode(other), 'FORBIDDEN');
    const anonymous = await graphql(wharf, mutation, { input: { username: 'bob', email: 'evil@example.com' } });
    assert.equal(errorCode(anonymous), 'UNAUTHENTICATED');
    const missing = await graphql(wharf, mutation, { input: { username: 'nobody', email: 'x@example.com' } }, wharf.adminAuth);
    assert.equal(errorCode(missing), 'NOT_FOUND');
  });

  test('updateUser by admin disables and resets', async () => {
    await wharf.services.users.create({ username: 'frank', password: 'frank-password-1' });
    const mutation = 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { username isAdmin disabled } }';

    const disabled = await graphql(wharf, mutation, { input: { username: 'frank', disabled: true } }, wharf.adminAuth);
    assert.equal(disabled.errors, undefined);
    assert.equal(disabled.data?.updateUser.disabled, true);
    assert.equal(errorCode(await graphql(wharf, '{ me { username } }', {}, basic('frank', 'frank-password-1'))), 'UNAUTHENTICATED');

    const reset = await graphql(wharf, mutation, { input: { username: 'frank', disabled: false, isAdmin: true, password: 'frank-password-2' } }, wharf.adminAuth);
    assert.equal(reset.errors, undefined);
    assert.deepEqual(reset.data?.updateUser, { username: 'frank', isAdmin: true, disabled: false });
    const me = await graphql(wharf, '{ me { username isAdmin } }', {}, basic('frank', 'frank-password-2'));
    assert.deepEqual(me.data?.me, { username: 'frank', isAdmin: true });

    const selfDemote = await graphql(wharf, mutation, { input: { username: 'admin', isAdmin: false } }, wharf.adminAuth);
    assert.equal(errorCode(selfDemote), 'BAD_USER_INPUT');
  });

  test('deleteUser by admin only', async () => {
    await wharf.services.users.create({ username: 'gone', password: 'gone-password' });
    const mutation = 'mutation($username: String!) { deleteUser(username: $username) }';

    assert.equal(errorCode(await graphql(wharf, mutation, { username: 'gone' })), 'UNAUTHENTICATED');
    assert.equal(errorCode(await graphql(wharf, mutation, { username: 'gone' }, alice)), 'FORBIDDEN');
    const deleted = await graphql(wharf, mutation, { username: 'gone' }, wharf.adminAuth);
    assert.equal(deleted.errors, undefined);
    assert.equal(deleted.data?.deleteUser, true);
    assert.equal(await wharf.services.users.findByName('gone'), null);
    assert.equal(errorCode(await graphql(wharf, mutation, { username: 'gone' }, wharf.adminAuth)), 'NOT_FOUND');
    assert.equal(errorCode(await graphql(wharf, mutation, { username: 'admin' }, wharf.adminAuth)), 'BAD_USER_INPUT');
  });
});
