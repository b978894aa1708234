import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Number of findings per severity in one report.' })
export class SeverityCounts {
  @Field(() => Int)
  critical!: number;

  @Field(() => Int)
  high!: number;

  @Field(() => Int)
  medium!: number;

  @Field(() => Int)
  low!: number;

  @Field(() => Int)
  negligible!: number;

  @Field(() => Int)
  unknown!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'Findings whose advisory names a fixed version.' })
  fixable!: number;
}

@ObjectType({ description: 'One vulnerability found in one installed package.' })
export class Vulnerability {
  @Field(() => String, { description: 'Advisory id, such as DEBIAN-CVE-2026-4438 or GHSA-35jh-r3h4-6jhm.' })
  id!: string;

  @Field(() => [String], { description: 'Other ids of the same vulnerability, CVE ids among them.' })
  aliases!: string[];

  @Field(() => String, { nullable: true, description: 'The CVE id: the advisory id or its first CVE alias; null when it has none.' })
  cve!: string | null;

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  packageName!: string;

  @Field(() => String, { description: 'Package ecosystem: Debian, Ubuntu, Alpine, npm, PyPI or Go.' })
  ecosystem!: string;

  @Field(() => String)
  installedVersion!: string;

  @Field(() => String, { nullable: true, description: 'Lowest version that fixes it; null when no fix is known.' })
  fixedVersion!: string | null;

  @Field(() => String, { description: 'Critical, High, Medium, Low, Negligible or Unknown.' })
  severity!: string;

  @Field(() => Number, { nullable: true, description: 'CVSS base score the severity came from.' })
  cvssScore!: number | null;

  @Field(() => String, { nullable: true })
  cvssVector!: string | null;

  @Field(() => String, { description: 'Digest of the layer that installed the package.' })
  layerDigest!: string;

  @Field(() => String, { description: 'File in the image that lists the package.' })
  path!: string;
}

@ObjectType({ description: 'The latest vulnerability scan of an image manifest.' })
export class VulnerabilityReport {
  @Field(() => String, { description: 'succeeded or failed.' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Why the scan failed.' })
  error!: string | null;

  @Field(() => String)
  scanner!: string;

  @Field(() => String)
  scannerVersion!: string;

  @Field(() => Int, { nullable: true, description: 'Version of the advisory database the scan matched against.' })
  advisoryDatabaseVersion!: number | null;

  @Field(() => String, { nullable: true, description: 'Operating system from /etc/os-release, such as "Debian GNU/Linux 12 (bookworm)".' })
  operatingSystem!: string | null;

  @Field(() => Int)
  packageCount!: number;

  @Field(() => SeverityCounts)
  summary!: SeverityCounts;

  @Field(() => [Vulnerability], { description: 'Findings, most severe first.' })
  vulnerabilities!: Vulnerability[];

  @Field(() => String, { nullable: true, description: 'Digest of the CycloneDX SBOM stored as a referrer of the image.' })
  sbomDigest!: string | null;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date)
  finishedAt!: Date;
}

@ObjectType({ description: 'A scan job in the queue.' })
export class ScanJob {
  @Field(() => Int)
  id!: number;

  @Field(() => String, { description: 'queued, running, succeeded or failed.' })
  status!: string;

  @Field(() => String, { description: 'Digest of the artifact the job scans.' })
  digest!: string;
}
