import { Field, Int, ObjectType } from 'type-graphql';
import type { SearchHitType } from '../../catalog/search-reader.ts';
import { SearchHitTypeEnum } from './catalog-enums.ts';
import { PageInfo } from './connection.ts';

@ObjectType({ description: 'A search match: a repository, a tag or a chart.' })
export class SearchHit {
  @Field(() => SearchHitTypeEnum)
  type!: SearchHitType;

  @Field(() => String, { description: 'Project of the match.' })
  projectName!: string;

  @Field(() => String, { description: 'Repository name, `repository:tag`, or `project/chart`.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'For a chart found by a keyword, that keyword; null when the name matched.' })
  matchedKeyword!: string | null;
}

@ObjectType()
export class SearchHitEdge {
  @Field(() => SearchHit)
  node!: SearchHit;

  @Field(() => String)
  cursor!: string;
}

@ObjectType({ description: 'Number of matches for one value of a facet.' })
export class SearchFacetCount {
  @Field(() => String)
  value!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Match counts by type and by project, before the type and project filters apply.' })
export class SearchFacets {
  @Field(() => [SearchFacetCount])
  types!: SearchFacetCount[];

  @Field(() => [SearchFacetCount])
  projects!: SearchFacetCount[];
}

@ObjectType({ description: 'A page of search matches (Relay connection) with facet counts.' })
export class SearchConnection {
  @Field(() => [SearchHitEdge])
  edges!: SearchHitEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Matches after the type and project filters, on every page.' })
  totalCount!: number;

  @Field(() => SearchFacets)
  facets!: SearchFacets;
}
