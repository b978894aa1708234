/**
 * GET /api/scan/repositories/{repository}/artifacts/{tag or digest}/report
 * sends the latest vulnerability report as a JSON download: one entry per image
 * manifest (each platform of an index). Needs scan:read in the project; a
 * project the caller may not read returns 404, as a missing one does.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InvalidCredentialsError } from '../../access/caller.ts';
import type { Services } from '../../app/services.ts';
import { isWharfError, WharfError } from '../../errors/catalog.ts';
import { projectOf } from '../../registry/names.ts';
import { formatPlatform } from '../scan-results.ts';
import { scanKind } from '../scannable.ts';

const ROUTE = /^(.+)\/artifacts\/([^/]+)\/report$/;

/** Registers the report download route. */
export async function registerScanRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get('/api/scan/repositories/*', async (request, reply) => {
    try {
      const match = ROUTE.exec((request.params as { '*': string })['*']);
      if (!match) throw new WharfError('NOT_FOUND', 'use /api/scan/repositories/PROJECT/REPOSITORY/artifacts/TAG_OR_DIGEST/report');
      const [, repository, reference] = match as unknown as [string, string, string];

      const caller = await services.callers.resolve(request.headers.authorization, request.ip);
      if (!(await services.access.can(caller, projectOf(repository), 'scan:read'))) {
        throw new WharfError('NOT_FOUND', `artifact ${repository}:${reference} not found`);
      }
      const body = await buildDownload(services, repository, decodeURIComponent(reference));
      const fileName = `${repository.replaceAll('/', '_')}-${body.digest.replace(':', '-')}-vulnerabilities.json`;
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(JSON.stringify(body, null, 2));
    } catch (error) {
      return sendError(reply, error);
    }
  });
}

async function buildDownload(services: Services, repository: string, reference: string) {
  const artifact = await services.scan.resolve(repository, reference);
  const row = await services.db.prisma.artifact.findUniqueOrThrow({
    where: { id: artifact.id },
    select: { artifactType: true, references: { where: { kind: 'manifest' }, orderBy: { position: 'asc' } } },
  });
  const manifests =
    scanKind(artifact.mediaType, row.artifactType) === 'index'
      ? await services.db.prisma.artifact.findMany({
          where: { repositoryId: artifact.repository.id, digest: { in: row.references.map((reference) => reference.digest) } },
          select: { id: true, digest: true },
        })
      : [{ id: artifact.id, digest: artifact.digest }];
  const platforms = new Map(row.references.map((reference) => [reference.digest, formatPlatform(reference.platform)]));

  const reports = [];
  for (const manifest of manifests) {
    const report = await services.scan.reports.find(manifest.id);
    const vulnerabilities = report ? await services.scan.reports.findings(report.id) : [];
    reports.push({ digest: manifest.digest, platform: platforms.get(manifest.digest) ?? null, report: report ?? null, vulnerabilities });
  }
  return { repository, reference, digest: artifact.digest, mediaType: artifact.mediaType, manifests: reports };
}

function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof InvalidCredentialsError) return reply.code(401).send({ error: 'invalid credentials' });
  if (isWharfError(error)) return reply.code(error.status).send({ error: error.message, code: error.code });
  throw error;
}
