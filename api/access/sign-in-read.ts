import type { SqlQuery } from '../db/client.ts';
import type { StoredCredentials } from '../users/user-service.ts';
import { THROTTLE_ROWS_SQL, type ThrottleRow } from './login-throttle.ts';

/** Data a password sign-in reads before it checks the password: the account and the throttle rows. */
export interface PasswordSignInData {
  account: StoredCredentials | null;
  throttleRows: ThrottleRow[];
}

interface SignInRow {
  id: number | null;
  username: string | null;
  isAdmin: boolean | null;
  disabled: boolean | null;
  passwordHash: string | null;
  throttleRows: ThrottleRow[];
}

/** Reads the account ($1) and its throttle rows ($2) in one round trip, whether or not the account exists. */
const SIGN_IN_SQL = `
  SELECT u.id, u.username, u.is_admin AS "isAdmin", u.disabled, u.password_hash AS "passwordHash",
         COALESCE((SELECT json_agg(throttle) FROM (${THROTTLE_ROWS_SQL} WHERE key = ANY($2::text[])) AS throttle), '[]'::json) AS "throttleRows"
  FROM (SELECT 1) AS one
  LEFT JOIN users u ON u.username = $1`;

/**
 * Reads a password sign-in's account and throttle rows with one statement.
 * Registry clients send Basic credentials on every request, so most registry
 * requests make this read.
 */
export async function readPasswordSignIn(query: SqlQuery, username: string, throttleKeys: string[]): Promise<PasswordSignInData> {
  const [row] = await query<SignInRow>(SIGN_IN_SQL, [username, throttleKeys]);
  if (!row) throw new Error(`sign-in query for user ${username} returned no row, expected exactly one`);

  const { id, isAdmin, disabled, passwordHash, throttleRows } = row;
  const account = id === null ? null : { id, username: row.username!, isAdmin: isAdmin!, disabled: disabled!, passwordHash: passwordHash! };
  return { account, throttleRows };
}
