import type { TestWharf } from '../support/wharf.ts';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphqlResponse<Data = Record<string, any>> {
  status: number;
  data: Data | null | undefined;
  errors: GraphqlError[] | undefined;
}

/** Authorization header value for HTTP Basic. */
export function basic(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

/** Sends one GraphQL operation to the test Wharf, with `authorization` when given. */
export async function graphql<Data = Record<string, any>>(
  wharf: TestWharf,
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<GraphqlResponse<Data>> {
  const response = await fetch(`${wharf.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data | null; errors?: GraphqlError[] };
  return { status: response.status, data: body.data, errors: body.errors };
}

/** Returns the `extensions.code` of the first error, or undefined when the operation succeeded. */
export function errorCode(response: GraphqlResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
