import { type ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Position of a page in a list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when the page started after a cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Makes the `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function createConnectionType<Node extends object>(name: string, nodeType: ClassType<Node>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => nodeType)
    node!: Node;

    @Field(() => String, { description: 'Opaque cursor; pass it as `after` to read the items that follow.' })
    cursor!: string;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items in the whole list, on every page.' })
    totalCount!: number;
  }

  return Connection;
}
