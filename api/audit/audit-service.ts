import type { Logger } from 'pino';
import type { Prisma } from '../db/client.ts';
import { type Caller, callerName } from '../access/caller.ts';

export interface AuditEntry {
  actor: string;
  actorKind: string;
  clientIp?: string;
  action: string;
  resource: string;
  projectId?: number | null;
  /** Project name, resolved to `projectId` when the event is written. */
  project?: string;
  outcome?: 'success' | 'failure';
  detail?: Record<string, unknown>;
}

export interface AuditQuery {
  projectId?: number;
  from?: Date;
  to?: Date;
  /** Return events with an id below this one (keyset pagination, newest first). */
  before?: bigint;
  limit: number;
}

/** Aggregated events are buffered and written in batches at most this often. */
const FLUSH_INTERVAL_MS = 2000;
/** Distinct aggregated events held before a flush is forced. */
const BUFFER_LIMIT = 1000;

export function actorOf(caller: Caller): { actor: string; actorKind: string } {
  return { actor: callerName(caller), actorKind: caller.kind };
}

/**
 * The audit log. Changes are written as they happen. Pulls, and sign-in
 * attempts rejected while locked, are aggregated per actor, address, action
 * and resource, then written every few seconds with a count. A pull storm or a
 * password-guessing run so costs one row per distinct event. When a batch
 * fails, its rows are written one by one, and each row that still fails is
 * logged with the number of events it lost, so none is dropped silently.
 */
export class AuditService {
  readonly #pending = new Map<string, AuditEntry & { count: number; occurredAt: Date }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: Prisma,
    private readonly logger: Logger,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      const projectIds = await this.#projectIds([entry]);
      await this.prisma.auditEvent.create({ data: this.#row(entry, 1, new Date(), projectIds) });
    } catch (error) {
      this.logger.error({ err: error, action: entry.action, resource: entry.resource }, 'failed to write audit event');
    }
  }

  /** Buffers a pull for the next batch. */
  recordPull(entry: AuditEntry): void {
    this.recordAggregated(entry);
  }

  /** Buffers an event that may repeat many times, counting repeats into one row per batch. */
  recordAggregated(entry: AuditEntry): void {
    const key = [entry.actor, entry.actorKind, entry.clientIp ?? '', entry.action, entry.outcome ?? '', entry.resource].join('\0');
    const existing = this.#pending.get(key);
    if (existing) existing.count += 1;
    else this.#pending.set(key, { ...entry, count: 1, occurredAt: new Date() });

    if (this.#pending.size >= BUFFER_LIMIT) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
      this.#timer.unref();
    }
  }

  /** Writes buffered events. Runs on a timer and at shutdown. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;

    const batch = [...this.#pending.values()];
    this.#pending.clear();
    let projectIds = new Map<string, number>();
    try {
      projectIds = await this.#projectIds(batch);
      await this.prisma.auditEvent.createMany({ data: batch.map((entry) => this.#row(entry, entry.count, entry.occurredAt, projectIds)) });
    } catch (error) {
      this.logger.warn({ err: error, rows: batch.length }, 'failed to write a batch of audit events; writing them one by one');
      await this.#writeEach(batch, projectIds);
    }
  }

  /** Writes aggregated events one row at a time, so one bad row loses only its own events. */
  async #writeEach(batch: (AuditEntry & { count: number; occurredAt: Date })[], projectIds: Map<string, number>): Promise<void> {
    for (const entry of batch) {
      try {
        await this.prisma.auditEvent.create({ data: this.#row(entry, entry.count, entry.occurredAt, projectIds) });
      } catch (error) {
        this.logger.error(
          { err: error, lostEvents: entry.count, action: entry.action, resource: entry.resource },
          'failed to write aggregated events to the audit log',
        );
      }
    }
  }

  async list(query: AuditQuery) {
    return this.prisma.auditEvent.findMany({
      where: {
        ...(query.projectId !== undefined ? { projectId: query.projectId } : {}),
        ...(query.before !== undefined ? { id: { lt: query.before } } : {}),
        occurredAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) },
      },
      orderBy: { id: 'desc' },
      take: query.limit,
    });
  }

  /** Number of events that match the project and time range of `query`, ignoring its page. */
  async count(query: Omit<AuditQuery, 'before' | 'limit'>): Promise<number> {
    return this.prisma.auditEvent.count({
      where: {
        ...(query.projectId !== undefined ? { projectId: query.projectId } : {}),
        occurredAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) },
      },
    });
  }

  async #projectIds(entries: AuditEntry[]): Promise<Map<string, number>> {
    const names = [...new Set(entries.flatMap((entry) => (entry.project ? [entry.project] : [])))];
    if (names.length === 0) return new Map();
    const projects = await this.prisma.project.findMany({ where: { name: { in: names } }, select: { id: true, name: true } });
    return new Map(projects.map((project) => [project.name, project.id]));
  }

  #row(entry: AuditEntry, count: number, occurredAt: Date, projectIds: Map<string, number>) {
    return {
      occurredAt,
      actor: entry.actor,
      actorKind: entry.actorKind,
      clientIp: entry.clientIp ?? null,
      action: entry.action,
      resource: entry.resource,
      projectId: entry.projectId ?? (entry.project ? projectIds.get(entry.project) : undefined) ?? null,
      outcome: entry.outcome ?? 'success',
      detail: (entry.detail ?? undefined) as object | undefined,
      count,
    };
  }
}
