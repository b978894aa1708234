// type-graphql reads decorator metadata through the Reflect API, so the
// polyfill must load before any decorated class.
import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccessTokenResolver } from './resolvers/access-token-resolver.ts';
import { AuditResolver } from './resolvers/audit-resolver.ts';
import { MemberResolver } from './resolvers/member-resolver.ts';
import { ProjectResolver } from './resolvers/project-resolver.ts';
import { RobotResolver } from './resolvers/robot-resolver.ts';
import { UserResolver } from './resolvers/user-resolver.ts';

/** Builds the executable schema from the resolver classes. */
export async function buildGraphqlSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [UserResolver, AccessTokenResolver, ProjectResolver, MemberResolver, RobotResolver, AuditResolver],
    // Inputs are checked by the services, so type-graphql needs no class-validator.
    validate: false,
  });
}

/** The schema as SDL with types sorted by name, as committed in schema.graphql. */
export async function printGraphqlSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGraphqlSchema()))}\n`;
}
