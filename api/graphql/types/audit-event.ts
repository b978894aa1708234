import { JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { createConnectionType } from './connection.ts';

@ObjectType({ description: 'One entry of the audit log: who did what, from where and when.' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => String, { description: 'User or robot name, or "anonymous".' })
  actor!: string;

  @Field(() => String, { description: 'user, robot, anonymous, or system (storage jobs and the command line).' })
  actorKind!: string;

  @Field(() => String, { nullable: true, description: 'Client address as the server saw it.' })
  clientIp!: string | null;

  @Field(() => String, { description: 'For example push, pull, delete, login, member.add or robot.create.' })
  action!: string;

  @Field(() => String, { description: 'What the action touched, such as project:team or user:alice.' })
  resource!: string;

  @Field(() => String, { description: 'success or failure.' })
  outcome!: string;

  @Field(() => JSONObjectResolver, { nullable: true })
  detail!: Record<string, unknown> | null;

  @Field(() => Int, { description: 'Number of identical events this entry stands for; pulls are aggregated.' })
  count!: number;
}

export const AuditEventConnection = createConnectionType('AuditEvent', AuditEvent);
