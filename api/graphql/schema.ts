// type-graphql reads decorator metadata through the Reflect API, so the
// polyfill must load before any decorated class.
import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccessTokenResolver } from './resolvers/access-token-resolver.ts';
import { ArtifactResolver, TagResolver } from './resolvers/artifact-resolver.ts';
import { CatalogMutationResolver } from './resolvers/catalog-mutation-resolver.ts';
import { ChartResolver, ChartVersionResolver } from './resolvers/chart-resolver.ts';
import { AuditResolver } from './resolvers/audit-resolver.ts';
import { GcResolver } from './resolvers/gc-resolver.ts';
import { MemberResolver } from './resolvers/member-resolver.ts';
import { OidcSessionResolver } from './resolvers/oidc-session-resolver.ts';
import { ProjectCatalogResolver } from './resolvers/project-catalog-resolver.ts';
import { ProjectResolver } from './resolvers/project-resolver.ts';
import { QuotaResolver } from './resolvers/quota-resolver.ts';
import { RepositoryResolver } from './resolvers/repository-resolver.ts';
import { RobotResolver } from './resolvers/robot-resolver.ts';
import { ArtifactScanResolver, ScanResolver } from './resolvers/scan-resolver.ts';
import { SearchResolver } from './resolvers/search-resolver.ts';
import { UserResolver } from './resolvers/user-resolver.ts';

/** Builds the executable schema from the resolver classes. */
export async function buildGraphqlSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      UserResolver,
      AccessTokenResolver,
      OidcSessionResolver,
      ProjectResolver,
      MemberResolver,
      RobotResolver,
      AuditResolver,
      QuotaResolver,
      GcResolver,
      ProjectCatalogResolver,
      RepositoryResolver,
      ArtifactResolver,
      TagResolver,
      ChartResolver,
      ChartVersionResolver,
      SearchResolver,
      ScanResolver,
      ArtifactScanResolver,
      CatalogMutationResolver,
    ],
    // Inputs are checked by the services, so type-graphql needs no class-validator.
    validate: false,
  });
}

/** The schema as SDL with types sorted by name, as committed in schema.graphql. */
export async function printGraphqlSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGraphqlSchema()))}\n`;
}
