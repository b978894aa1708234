import type { Prisma as PrismaNamespace } from './generated/client.ts';

/** A Prisma client inside an interactive transaction. */
export type Transaction = PrismaNamespace.TransactionClient;

/**
 * Takes a transaction-scoped advisory lock on a digest. Blob commits, mounts,
 * quota changes and garbage collection of one digest hold it, so they happen one
 * at a time across every instance sharing the database.
 */
export async function lockDigest(tx: Transaction, digest: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${digest}, 0))`;
}

/** Takes the advisory locks of several digests in one statement, in sorted order so that lockers never deadlock. */
export async function lockDigests(tx: Transaction, digests: string[]): Promise<void> {
  if (digests.length === 0) return;
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(hashtextextended(d, 0))
    FROM (SELECT d FROM unnest(${digests}::text[]) AS d ORDER BY d) AS sorted`;
}
