import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A CVE id that the pull policy ignores.' })
export class CveAllowlistEntry {
  @Field(() => String)
  cveId!: string;

  @Field(() => Date, { nullable: true, description: 'After this time the entry no longer applies; null for never.' })
  expiresAt!: Date | null;
}

@ObjectType({ description: "A project's scan settings and CVE allowlist." })
export class ProjectScanSettings {
  @Field(() => String)
  project!: string;

  @Field(() => Boolean, { description: 'Scan each image pushed to the project.' })
  scanOnPush!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Pulls of images with a vulnerability of this severity or above (not allowlisted) are denied; null allows every pull.',
  })
  preventSeverity!: string | null;

  @Field(() => [CveAllowlistEntry], { description: "The project's own allowlist; the system-wide one applies as well." })
  allowlist!: CveAllowlistEntry[];
}
