import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { parseDuration } from '../../gc/durations.ts';
import { DEFAULT_GC_GRACE_SECONDS } from '../../gc/gc-service.ts';
import { recordChange, requireSystemAdmin } from '../access.ts';
import type { GraphqlContext } from '../context.ts';
import { pageSize } from '../pagination.ts';
import { GcReport, GcRun } from '../types/garbage-collection.ts';

/** Maximum number of dry-run candidates one response lists; candidateCount gives the total. */
const MAX_LISTED_CANDIDATES = 1000;

/** Garbage collection runs and their history. System administrators only. */
@Resolver()
export class GcResolver {
  @Mutation(() => GcReport, {
    description:
      'Runs garbage collection and returns its figures when it has finished. Raises CONFLICT while another run is in progress. System administrators only.',
  })
  async runGarbageCollection(
    @Ctx() context: GraphqlContext,
    @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false, description: 'Report what would be deleted without deleting it.' })
    dryRun?: boolean | null,
    @Arg('deleteUntagged', () => Boolean, { nullable: true, defaultValue: false, description: 'Delete untagged artifacts first.' })
    deleteUntagged?: boolean | null,
    @Arg('grace', () => String, { nullable: true, description: 'Keep content newer than this duration, such as 90s, 30m, 2h or 7d. Default 2h.' })
    grace?: string | null,
  ): Promise<GcReport> {
    requireSystemAdmin(context, 'run garbage collection');
    const graceSeconds = grace === undefined || grace === null ? DEFAULT_GC_GRACE_SECONDS : parseDuration(grace);

    const report = await context.services.gc.run({ dryRun: dryRun ?? false, deleteUntagged: deleteUntagged ?? false, graceSeconds, trigger: 'graphql' });
    if (!report.dryRun) {
      await recordChange(context, {
        action: 'gc.run',
        resource: `gc:${report.runId}`,
        detail: { artifactsDeleted: report.artifactsDeleted, blobsDeleted: report.blobsDeleted, bytesFreed: report.bytesFreed },
      });
    }
    return { ...report, candidateCount: report.candidates.length, candidates: report.candidates.slice(0, MAX_LISTED_CANDIDATES) };
  }

  @Query(() => [GcRun], { description: 'Recorded garbage collection runs, newest first. System administrators only.' })
  async gcRuns(@Ctx() context: GraphqlContext, @Arg('first', () => Int, { nullable: true }) first?: number | null): Promise<GcRun[]> {
    requireSystemAdmin(context, 'read garbage collection runs');

    const runs = await context.services.gc.history(pageSize(first));
    return runs.map((run) => ({ ...run, bytesFreed: Number(run.bytesFreed) }));
  }
}
