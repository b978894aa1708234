import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { InvalidCredentialsError } from '../../access/caller.ts';
import type { AccessTokenRecord } from '../../access-tokens/access-token-service.ts';
import { WharfError } from '../../errors/catalog.ts';
import type { UserRecord } from '../../users/user-service.ts';
import { recordChange, requireSystemAdmin, requireUser } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { forbidden } from '../errors.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../pagination.ts';
import { AccessToken } from '../types/access-token.ts';
import { CreateUserInput, UpdateUserInput, User, UserConnection } from '../types/user.ts';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function validateEmail(email: string | null | undefined): void {
  if (email !== null && email !== undefined && !EMAIL.test(email)) {
    throw new WharfError('INVALID_INPUT', `invalid email address "${email}"`);
  }
}

/** Whether the caller is this user or a system administrator, who may see the user's private fields. */
function maySeePrivateFields(context: GraphqlContext, user: UserRecord): boolean {
  const { caller } = context;
  return caller.kind === 'user' && (caller.user.isAdmin || caller.user.id === user.id);
}

async function findUser(context: GraphqlContext, username: string): Promise<UserRecord> {
  const user = await context.services.users.findByName(username);
  if (!user) throw new WharfError('NOT_FOUND', `user "${username}" not found`);
  return user;
}

/**
 * Checks the user's current password before they change their own. Failures
 * count against the sign-in throttle like any other wrong password, and an
 * access token is not accepted in place of the password.
 */
async function verifyOldPassword(context: GraphqlContext, username: string, oldPassword: string | null | undefined): Promise<void> {
  if (!oldPassword) throw new WharfError('INVALID_INPUT', 'oldPassword is required to change your own password');
  try {
    const caller = await context.services.callers.authenticate(username, oldPassword, context.clientIp);
    if (caller.credential !== 'password') throw new InvalidCredentialsError();
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw new WharfError('INVALID_INPUT', 'oldPassword is not the current password');
    throw error;
  }
}

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null for anonymous callers and robot accounts.' })
  async me(@Ctx() context: GraphqlContext): Promise<UserRecord | null> {
    if (context.caller.kind !== 'user') return null;
    return context.services.users.get(context.caller.user.id);
  }

  @Query(() => UserConnection, { description: 'Every user, ordered by name. System administrators only.' })
  async users(
    @Ctx() context: GraphqlContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<UserRecord>> {
    requireSystemAdmin(context, 'list users');
    const limit = pageSize(first);
    const afterName = decodeCursor('user', after);

    const [rows, totalCount] = await Promise.all([
      context.services.users.listPage({ ...(afterName !== undefined ? { after: afterName } : {}), limit: limit + 1 }),
      context.services.users.count(),
    ]);
    return toConnection(rows, limit, { kind: 'user', keyOf: (user) => user.username, after: afterName, totalCount });
  }

  @FieldResolver(() => String, { nullable: true, description: 'Visible to the user and to system administrators only.' })
  email(@Root() user: UserRecord, @Ctx() context: GraphqlContext): string | null {
    return maySeePrivateFields(context, user) ? user.email : null;
  }

  @FieldResolver(() => [AccessToken], {
    nullable: true,
    description: "The user's personal access tokens, without secrets; null unless the caller is this user or a system administrator.",
  })
  async accessTokens(@Root() user: UserRecord, @Ctx() context: GraphqlContext): Promise<AccessTokenRecord[] | null> {
    if (!maySeePrivateFields(context, user)) return null;
    return context.services.accessTokens.listForUser(user.id);
  }

  @Mutation(() => User, { description: 'Creates a user. System administrators only.' })
  async createUser(@Ctx() context: GraphqlContext, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<UserRecord> {
    requireSystemAdmin(context, 'create users');
    validateEmail(input.email);

    const user = await context.services.users.create({
      username: input.username,
      password: input.password,
      email: input.email ?? null,
      isAdmin: input.isAdmin ?? false,
    });
    await recordChange(context, { action: 'user.create', resource: `user:${user.username}`, detail: { isAdmin: user.isAdmin } });
    return user;
  }

  @Mutation(() => User, {
    description:
      'Changes a user. Users may change their own email and password (with oldPassword); system administrators may change anything of anyone.',
  })
  async updateUser(@Ctx() context: GraphqlContext, @Arg('input', () => UpdateUserInput) input: UpdateUserInput): Promise<UserRecord> {
    const caller = requireUser(context, 'change users');
    const target = await findUser(context, input.username);
    const self = target.id === caller.id;
    if (!self && !caller.isAdmin) forbidden('only system administrators can change other users');
    const changesAccountState = (input.isAdmin ?? null) !== null || (input.disabled ?? null) !== null;
    if (changesAccountState && !caller.isAdmin) forbidden('only system administrators can change isAdmin or disabled');
    if (self && (input.isAdmin === false || input.disabled === true)) {
      throw new WharfError('INVALID_INPUT', 'you cannot remove your own administrator role or disable yourself; ask another administrator');
    }
    validateEmail(input.email);

    const changes: { email?: string | null; isAdmin?: boolean; disabled?: boolean } = {};
    if (input.email !== undefined) changes.email = input.email;
    if (input.isAdmin !== undefined && input.isAdmin !== null) changes.isAdmin = input.isAdmin;
    if (input.disabled !== undefined && input.disabled !== null) changes.disabled = input.disabled;
    const passwordChanged = input.password !== undefined && input.password !== null;

    if (passwordChanged && self) await verifyOldPassword(context, target.username, input.oldPassword);
    if (passwordChanged) await context.services.users.changePassword(target.id, input.password as string);
    if (Object.keys(changes).length > 0) await context.services.users.update(target.id, changes);

    await recordChange(context, {
      action: 'user.update',
      resource: `user:${target.username}`,
      detail: { changed: Object.keys(changes), passwordChanged, ...(changes.isAdmin !== undefined ? { isAdmin: changes.isAdmin } : {}), ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}) },
    });
    return context.services.users.get(target.id);
  }

  @Mutation(() => Boolean, { description: 'Deletes a user with their memberships and tokens. System administrators only.' })
  async deleteUser(@Ctx() context: GraphqlContext, @Arg('username', () => String) username: string): Promise<boolean> {
    const caller = requireSystemAdmin(context, 'delete users');
    const target = await findUser(context, username);
    if (target.id === caller.id) throw new WharfError('INVALID_INPUT', 'you cannot delete yourself; ask another administrator');

    await context.services.users.delete(target.id);
    await recordChange(context, { action: 'user.delete', resource: `user:${target.username}` });
    return true;
  }
}
