/**
 * The advisory database in PostgreSQL: imports OSV documents idempotently and
 * looks up the advisories that name an image's packages.
 */
import { createHash } from 'node:crypto';
import type { Prisma } from '../../db/client.ts';
import { TRANSACTION_OPTIONS } from '../../blobs/blob-service.ts';
import type { Advisory } from '../osv/advisory.ts';
import { parseEcosystem } from '../osv/ecosystem.ts';
import { readAdvisories } from '../osv/read.ts';
import { normalizePythonName } from '../inventory/python.ts';

/** Advisories written per transaction during an import. */
const IMPORT_BATCH_SIZE = 500;

/** Figures of one import; `version` is the database version after it. */
export interface ImportSummary {
  version: number | undefined;
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** The first few documents that could not be read, with the reason. */
  errors: string[];
}

/** A package as advisories name it: base ecosystem and name. */
export interface PackageKey {
  ecosystem: string;
  name: string;
}

/** Builds the lookup key of a package name, normalising PyPI names as PEP 503 does. */
export function advisoryPackageKey(ecosystem: string, name: string): PackageKey {
  return { ecosystem, name: ecosystem === 'PyPI' ? normalizePythonName(name) : name };
}

export class AdvisoryStore {
  constructor(private readonly prisma: Prisma) {}

  /** Returns the current advisory database version, or undefined before the first import. */
  async currentVersion(): Promise<number | undefined> {
    const latest = await this.prisma.advisoryDatabaseVersion.findFirst({ orderBy: { version: 'desc' }, select: { version: true } });
    return latest?.version;
  }

  /**
   * Imports every advisory under a path (JSON file, folder or osv.dev zip
   * archive). An advisory whose parsed form is unchanged is skipped, so a
   * second import of the same files changes nothing. The first changed
   * advisory creates a new database version, which the import's counts are
   * recorded under. `progress` receives a line every `progressEvery` documents.
   */
  // NOTE: imports are not serialised. Two at once each create their own version
  // and write advisories one row at a time, so the data stays whole but the
  // version counts split between them.
  async importFrom(location: string, progress: (line: string) => void = () => {}, progressEvery = 1000): Promise<ImportSummary> {
    const summary: ImportSummary = { version: await this.currentVersion(), read: 0, added: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
    let newVersion: number | undefined;
    let batch = new Map<string, Advisory>();

    const flush = async () => {
      if (batch.size === 0) return;
      const advisories = [...batch.values()];
      batch = new Map();
      newVersion = await this.#writeBatch(advisories, summary, newVersion, location);
    };

    for await (const result of readAdvisories(location)) {
      summary.read++;
      if ('error' in result) {
        summary.failed++;
        if (summary.errors.length < 20) summary.errors.push(`${result.source}: ${result.error}`);
      } else {
        batch.set(result.advisory.id, result.advisory);
        if (batch.size >= IMPORT_BATCH_SIZE) await flush();
      }
      if (summary.read % progressEvery === 0) {
        // Write the pending batch first, so the counts printed are complete.
        await flush();
        progress(`${describeProgress(summary)}\n`);
      }
    }
    await flush();

    if (newVersion !== undefined) {
      const { added, updated, unchanged, failed } = summary;
      await this.prisma.advisoryDatabaseVersion.update({ where: { version: newVersion }, data: { added, updated, unchanged, failed } });
      summary.version = newVersion;
    }
    return summary;
  }

  /** Finds the advisories, withdrawn ones left out, that name any of the packages. */
  async findForPackages(packages: PackageKey[]): Promise<Advisory[]> {
    if (packages.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ document: Advisory }[]>`
      SELECT a.document FROM advisories a
      WHERE NOT a.withdrawn AND a.id IN (
        SELECT p.advisory_id FROM advisory_packages p
        JOIN unnest(${packages.map((item) => item.ecosystem)}::text[], ${packages.map((item) => item.name)}::text[]) AS wanted(ecosystem, name)
          ON p.ecosystem = wanted.ecosystem AND p.name = wanted.name)`;
    return rows.map((row) => row.document);
  }

  /** Writes the changed advisories of a batch; returns the new database version once one exists. */
  async #writeBatch(advisories: Advisory[], summary: ImportSummary, version: number | undefined, source: string): Promise<number | undefined> {
    const hashes = new Map(advisories.map((advisory) => [advisory.id, hashAdvisory(advisory)]));
    const existing = await this.prisma.advisory.findMany({ where: { id: { in: [...hashes.keys()] } }, select: { id: true, contentHash: true } });
    const stored = new Map(existing.map((row) => [row.id, row.contentHash]));
    const changed = advisories.filter((advisory) => stored.get(advisory.id) !== hashes.get(advisory.id));
    summary.unchanged += advisories.length - changed.length;
    if (changed.length === 0) return version;

    const added = changed.filter((advisory) => !stored.has(advisory.id));
    const updated = changed.filter((advisory) => stored.has(advisory.id));
    const current = await this.prisma.$transaction(async (tx) => {
      const current = version ?? (await tx.advisoryDatabaseVersion.create({ data: { source }, select: { version: true } })).version;
      const rowOf = (advisory: Advisory) => ({
        modified: advisory.modified ?? null,
        withdrawn: advisory.withdrawn !== undefined,
        contentHash: hashes.get(advisory.id)!,
        document: advisory as object,
        databaseVersion: current,
        updatedAt: new Date(),
      });

      // New advisories (all of them on a first import) go in with one statement per table.
      await tx.advisory.createMany({ data: added.map((advisory) => ({ id: advisory.id, ...rowOf(advisory) })) });
      for (const advisory of updated) await tx.advisory.update({ where: { id: advisory.id }, data: rowOf(advisory) });
      if (updated.length > 0) await tx.advisoryPackage.deleteMany({ where: { advisoryId: { in: updated.map((advisory) => advisory.id) } } });
      await tx.advisoryPackage.createMany({ data: changed.flatMap(packageRows), skipDuplicates: true });
      return current;
    }, TRANSACTION_OPTIONS);
    summary.added += added.length;
    summary.updated += updated.length;
    return current;
  }
}

function packageRows(advisory: Advisory): { advisoryId: string; ecosystem: string; name: string }[] {
  return advisory.affected.map((affected) => ({
    advisoryId: advisory.id,
    ...advisoryPackageKey(parseEcosystem(affected.ecosystem).name, affected.name),
  }));
}

function hashAdvisory(advisory: Advisory): string {
  return createHash('sha256').update(JSON.stringify(advisory)).digest('hex');
}

/** Formats the running counts of an import, as the command prints them. */
export function describeProgress(summary: ImportSummary): string {
  return (
    `read ${summary.read} documents: ${summary.added} added, ${summary.updated} updated, ` +
    `${summary.unchanged} unchanged, ${summary.failed} invalid`
  );
}
