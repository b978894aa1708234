import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GraphqlContext } from './context.ts';

/**
 * Rejects mutations from callers identified by a registry token, so such a
 * token serves queries only. The token service issues these tokens for a few
 * repositories and a short time. With mutations, a token handed to a build job
 * could mint a lasting access token or robot secret with its owner's rights.
 */
export function registryTokenGuardPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'mutation' || contextValue.caller.credential !== 'registry-token') return;
          throw new GraphQLError('registry tokens are read-only here: sign in with a password or an access token to make changes', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        },
      };
    },
  };
}
