import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { type ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { GraphqlContext } from './context.ts';
import { DEFAULT_PAGE_SIZE } from './pagination.ts';

/** Deepest selection nesting a query may have; the catalog page query (repositories, their artifacts and tags) needs 7. */
export const MAX_QUERY_DEPTH = 10;
/**
 * Highest estimated cost of one operation. Each field costs 1 and a list
 * field with `first` costs its items' cost times `first`. The portal's
 * catalog page (50 repositories, each with its 10 newest artifacts, their
 * tags and scan summaries) costs about 7,000, so the limit leaves room for it.
 */
export const MAX_QUERY_COST = 10_000;

/** Rejects queries nested deeper than MAX_QUERY_DEPTH during validation. */
export function depthLimitRule(): ValidationRule {
  return depthLimit(MAX_QUERY_DEPTH);
}

/** Multiplies the cost of a paginated field's items by the page size it requests. */
const paginationEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (!('first' in args) && !('after' in args)) return undefined;
  const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + childComplexity * Math.max(first, 1);
};

/**
 * Computes the estimated cost of the operation once it is parsed and
 * validated, and rejects it with GRAPHQL_VALIDATION_FAILED (HTTP 400) when it
 * exceeds MAX_QUERY_COST.
 */
export function costLimitPlugin(schema: GraphQLSchema): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              ...(request.operationName ? { operationName: request.operationName } : {}),
              estimators: [paginationEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Invalid variables: execution rejects them next with BAD_USER_INPUT, so nothing runs unchecked.
            if (error instanceof GraphQLError) return;
            throw error;
          }
          if (cost > MAX_QUERY_COST) {
            throw new GraphQLError(`query cost ${cost} exceeds the limit of ${MAX_QUERY_COST}; request fewer items with first or fewer fields`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost: MAX_QUERY_COST, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
