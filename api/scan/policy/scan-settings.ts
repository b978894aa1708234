/**
 * Project scan settings (scan on push, the severity that blocks pulls) and the
 * CVE allowlists, per project and system-wide.
 */
import type { Prisma } from '../../db/client.ts';
import { WharfError } from '../../errors/catalog.ts';
import { severitiesBySeverity, type Severity } from '../severity.ts';

export interface ProjectScanSettings {
  scanOnPush: boolean;
  /** Lowest severity that blocks pulls; undefined lets every image be pulled. */
  preventSeverity?: Severity;
}

export interface AllowlistEntry {
  cveId: string;
  expiresAt: Date | null;
}

/** CVE, GHSA and distribution advisory ids: letters, digits and dashes. */
const ADVISORY_ID = /^[A-Z][A-Z0-9]*(?:-[A-Za-z0-9.:_]+)+$/;

/** Parses a severity name in any case; raises INVALID_INPUT for an unknown one. */
export function parseSeverity(text: string): Severity {
  const found = severitiesBySeverity.find((level) => level.toLowerCase() === text.trim().toLowerCase());
  if (!found) throw new WharfError('INVALID_INPUT', `invalid severity "${text}": use one of ${severitiesBySeverity.join(', ')}`);
  return found;
}

export class ScanSettingsService {
  constructor(private readonly prisma: Prisma) {}

  async get(projectId: number): Promise<ProjectScanSettings> {
    const row = await this.prisma.projectScanSettings.findUnique({ where: { projectId } });
    if (!row) return { scanOnPush: false };
    return { scanOnPush: row.scanOnPush, ...(row.preventSeverity ? { preventSeverity: row.preventSeverity as Severity } : {}) };
  }

  /** Changes the given settings; `preventSeverity: null` turns the pull policy off. */
  async update(projectId: number, changes: { scanOnPush?: boolean; preventSeverity?: Severity | null }): Promise<ProjectScanSettings> {
    const data = {
      ...(changes.scanOnPush !== undefined ? { scanOnPush: changes.scanOnPush } : {}),
      ...(changes.preventSeverity !== undefined ? { preventSeverity: changes.preventSeverity } : {}),
    };
    await this.prisma.projectScanSettings.upsert({ where: { projectId }, create: { projectId, ...data }, update: data });
    return this.get(projectId);
  }

  /** Lists a project's allowlist, or the system-wide one when `projectId` is null. */
  async allowlist(projectId: number | null): Promise<AllowlistEntry[]> {
    return this.prisma.cveAllowlistEntry.findMany({
      where: { projectId },
      select: { cveId: true, expiresAt: true },
      orderBy: { cveId: 'asc' },
    });
  }

  /** Adds ids to a project's allowlist, or the system-wide one when `projectId` is null. */
  async allow(projectId: number | null, cveIds: string[], expiresAt: Date | null = null): Promise<void> {
    for (const cveId of cveIds) {
      if (!ADVISORY_ID.test(cveId)) throw new WharfError('INVALID_INPUT', `invalid vulnerability id "${cveId}": expected an id such as CVE-2024-1234`);
    }
    for (const cveId of cveIds) {
      // NOTE: the unique index does not cover system-wide rows (project_id is NULL), so look first.
      const existing = await this.prisma.cveAllowlistEntry.findFirst({ where: { projectId, cveId }, select: { id: true } });
      if (existing) await this.prisma.cveAllowlistEntry.update({ where: { id: existing.id }, data: { expiresAt } });
      else await this.prisma.cveAllowlistEntry.create({ data: { projectId, cveId, expiresAt } });
    }
  }

  /** Removes ids from a project's allowlist, or the system-wide one when `projectId` is null. */
  async disallow(projectId: number | null, cveIds: string[]): Promise<number> {
    const result = await this.prisma.cveAllowlistEntry.deleteMany({ where: { projectId, cveId: { in: cveIds } } });
    return result.count;
  }

  /** Returns the ids that apply to a project now: its own and the system-wide ones, expired entries left out. */
  async effectiveAllowlist(projectId: number, now = new Date()): Promise<Set<string>> {
    const rows = await this.prisma.cveAllowlistEntry.findMany({
      where: { OR: [{ projectId }, { projectId: null }], AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }] },
      select: { cveId: true },
    });
    return new Set(rows.map((row) => row.cveId));
  }
}
