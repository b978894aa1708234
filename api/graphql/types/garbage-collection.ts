import { SafeIntResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A blob that a dry run of garbage collection would delete.' })
export class GcCandidate {
  @Field(() => String)
  digest!: string;

  @Field(() => SafeIntResolver, { description: 'Size in bytes.' })
  size!: number;
}

@ObjectType({ description: 'What one garbage collection run deleted or, in a dry run, would delete.' })
export class GcReport {
  @Field(() => Int, { description: 'Id of the run in gcRuns.' })
  runId!: number;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Int, { description: 'Untagged artifacts deleted, or counted in a dry run.' })
  artifactsDeleted!: number;

  @Field(() => Int, { description: 'Blobs deleted from storage and database; 0 in a dry run.' })
  blobsDeleted!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes freed, or that a dry run would free.' })
  bytesFreed!: number;

  @Field(() => Int, { description: 'Storage files without a database row, removed or, in a dry run, found.' })
  orphanFiles!: number;

  @Field(() => Int, { description: 'Number of blobs a dry run would delete; 0 for a real run.' })
  candidateCount!: number;

  @Field(() => [GcCandidate], { description: 'Blobs a dry run would delete, in digest order: the first 1000 of candidateCount.' })
  candidates!: GcCandidate[];
}

@ObjectType({ description: 'A recorded garbage collection run, from any trigger, with its figures.' })
export class GcRun {
  @Field(() => Int)
  id!: number;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Null while the run is in progress.' })
  finishedAt!: Date | null;

  @Field(() => String, { description: 'cli, graphql, schedule or test.' })
  trigger!: string;

  @Field(() => String, { description: 'running, succeeded or failed.' })
  status!: string;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Boolean)
  deleteUntagged!: boolean;

  @Field(() => Int, { description: 'Blobs and artifacts newer than this many seconds were kept.' })
  graceSeconds!: number;

  @Field(() => Int)
  artifactsDeleted!: number;

  @Field(() => Int)
  blobsDeleted!: number;

  @Field(() => SafeIntResolver)
  bytesFreed!: number;

  @Field(() => String, { nullable: true, description: 'Error message of a failed run.' })
  error!: string | null;
}
