import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { WharfError } from '../../errors/catalog.ts';
import type { ProjectSummary } from '../../projects/project-service.ts';
import { requireProjectPermission, requireSystemAdmin } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../pagination.ts';
import { AuditEvent, AuditEventConnection } from '../types/audit-event.ts';
import { Project } from '../types/project.ts';

/** An audit row as the GraphQL type reads it: the bigint id as a string. */
export interface AuditEventRow {
  id: string;
  occurredAt: Date;
  actor: string;
  actorKind: string;
  clientIp: string | null;
  action: string;
  resource: string;
  projectId: number | null;
  outcome: string;
  detail: Record<string, unknown> | null;
  count: number;
}

function parseEventId(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,19}$/.test(cursor)) throw new WharfError('INVALID_INPUT', 'invalid cursor: use a cursor from this list');
  return BigInt(cursor);
}

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, {
    description:
      'Audit events, newest first, optionally within [from, to]. With project: needs audit:read there. Without: system administrators only, all events.',
  })
  async auditEvents(
    @Ctx() context: GraphqlContext,
    @Arg('project', () => String, { nullable: true }) projectName?: string | null,
    @Arg('from', () => Date, { nullable: true }) from?: Date | null,
    @Arg('to', () => Date, { nullable: true }) to?: Date | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<AuditEventRow>> {
    let projectId: number | undefined;
    if (projectName === undefined || projectName === null) requireSystemAdmin(context, 'read the audit log of all projects');
    else projectId = (await requireProjectPermission(context, projectName, 'audit:read')).id;
    if (from && to && from.getTime() > to.getTime()) throw new WharfError('INVALID_INPUT', 'from must not be later than to');
    const limit = pageSize(first);
    const afterId = decodeCursor('audit', after);

    const range = { ...(projectId !== undefined ? { projectId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
    const before = parseEventId(afterId);
    const [rows, totalCount] = await Promise.all([
      context.services.audit.list({ ...range, ...(before !== undefined ? { before } : {}), limit: limit + 1 }),
      context.services.audit.count(range),
    ]);
    const events = rows.map((row) => ({ ...row, id: row.id.toString(), detail: (row.detail ?? null) as Record<string, unknown> | null }));
    return toConnection(events, limit, { kind: 'audit', keyOf: (event) => event.id, after: afterId, totalCount });
  }

  @FieldResolver(() => Project, { nullable: true, description: 'Project the event belongs to; null for system events and deleted projects.' })
  async project(@Root() event: AuditEventRow, @Ctx() context: GraphqlContext): Promise<ProjectSummary | null> {
    if (event.projectId === null) return null;
    return (await context.loaders.projectById.load(event.projectId)) ?? null;
  }
}
