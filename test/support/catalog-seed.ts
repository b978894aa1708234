import type { Prisma } from '../../api/db/client.ts';

export interface CatalogSeedOptions {
  projectId: number;
  /** Prefix of the repository names, including the project: `team/app-` makes team/app-00001 and on. */
  namePrefix: string;
  repositories: number;
  artifactsPerRepository: number;
  /** Every artifact gets a tag `v<n>` when true; otherwise only the newest of each repository is tagged. */
  tagEvery?: boolean;
}

const IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
const IMAGE_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

/**
 * Inserts repositories of image artifacts straight into the database, with
 * made-up digests. Each artifact has a config and one layer blob, linked into
 * its repository. Project usage (quota) is not updated, and the manifest bytes
 * are placeholders that do not match their digests, so the rows serve catalog
 * reads and benchmarks, not the registry protocol.
 */
export async function seedRepositories(prisma: Prisma, options: CatalogSeedOptions): Promise<void> {
  const { projectId, namePrefix, repositories, artifactsPerRepository } = options;

  await prisma.$executeRaw`
    INSERT INTO repositories (project_id, name, updated_at)
    SELECT ${projectId}, ${namePrefix} || lpad(i::text, 5, '0'), now() FROM generate_series(1, ${repositories}) AS i`;
  await prisma.$executeRaw`
    INSERT INTO artifacts (repository_id, digest, media_type, artifact_type, size, content, config_digest, pushed_at)
    SELECT r.id, 'sha256:' || encode(sha256(convert_to('manifest/' || r.id || '/' || j, 'UTF8')), 'hex'),
      ${IMAGE_MANIFEST}, ${IMAGE_CONFIG}, 400 + j, convert_to('{}', 'UTF8'),
      'sha256:' || encode(sha256(convert_to('config/' || r.id || '/' || j, 'UTF8')), 'hex'),
      now() - make_interval(mins => j)
    FROM repositories r CROSS JOIN generate_series(1, ${artifactsPerRepository}) AS j
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}`;
  await prisma.$executeRaw`
    INSERT INTO blobs (digest, size)
    SELECT a.config_digest, 300 FROM artifacts a JOIN repositories r ON r.id = a.repository_id
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}
    UNION ALL
    SELECT 'sha256:' || encode(sha256(convert_to('layer/' || a.digest, 'UTF8')), 'hex'), 10000 + a.id % 5000
    FROM artifacts a JOIN repositories r ON r.id = a.repository_id
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}
    ON CONFLICT DO NOTHING`;
  await prisma.$executeRaw`
    INSERT INTO artifact_references (artifact_id, digest, kind, media_type, size, position)
    SELECT a.id, a.config_digest, 'config', ${IMAGE_CONFIG}, 300, 0
    FROM artifacts a JOIN repositories r ON r.id = a.repository_id
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}
    UNION ALL
    SELECT a.id, 'sha256:' || encode(sha256(convert_to('layer/' || a.digest, 'UTF8')), 'hex'), 'layer', ${IMAGE_LAYER}, 10000 + a.id % 5000, 1
    FROM artifacts a JOIN repositories r ON r.id = a.repository_id
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}`;
  await prisma.$executeRaw`
    INSERT INTO repository_blobs (repository_id, digest)
    SELECT DISTINCT a.repository_id, ar.digest FROM artifact_references ar
    JOIN artifacts a ON a.id = ar.artifact_id JOIN repositories r ON r.id = a.repository_id
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}
    ON CONFLICT DO NOTHING`;
  await prisma.$executeRaw`
    INSERT INTO tags (repository_id, name, artifact_id, pushed_at)
    SELECT a.repository_id, 'v' || row_number() OVER (PARTITION BY a.repository_id ORDER BY a.id), a.id, a.pushed_at
    FROM artifacts a JOIN repositories r ON r.id = a.repository_id
    WHERE r.project_id = ${projectId} AND r.name LIKE ${`${namePrefix}%`}
      AND (${options.tagEvery ?? true} OR a.pushed_at = (SELECT MAX(b.pushed_at) FROM artifacts b WHERE b.repository_id = a.repository_id))`;
}

/**
 * Inserts chart versions straight into the database: `charts` names with
 * `versionsPerChart` versions each, keywords and an index entry like an
 * upload writes. There are no archives behind them.
 */
export async function seedChartVersions(prisma: Prisma, options: { projectId: number; charts: number; versionsPerChart: number }): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO chart_versions (project_id, name, version, digest, size, source, entry, details, created_at)
    SELECT ${options.projectId}, 'chart-' || lpad(c::text, 5, '0'), '1.' || v || '.0',
      encode(sha256(convert_to('chart/' || c || '/' || v, 'UTF8')), 'hex'), 4096, 'upload',
      jsonb_build_object('name', 'chart-' || lpad(c::text, 5, '0'), 'version', '1.' || v || '.0', 'apiVersion', 'v2',
        'created', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'digest', encode(sha256(convert_to('chart/' || c || '/' || v, 'UTF8')), 'hex'),
        'keywords', jsonb_build_array('kw-' || (c % 50), 'seeded')),
      jsonb_build_object('dependencies', '[]'::jsonb, 'images', '[]'::jsonb),
      now() - make_interval(mins => v)
    FROM generate_series(1, ${options.charts}) AS c CROSS JOIN generate_series(1, ${options.versionsPerChart}) AS v`;
}
