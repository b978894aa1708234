import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../api/access/caller.ts';
import type { Services } from '../../api/app/services.ts';
import { actorOf } from '../../api/audit/audit-service.ts';
import { WharfError } from '../../api/errors/catalog.ts';
import { MAX_PROVENANCE_BYTES } from '../chart/provenance.ts';
import type { IndexFormat } from '../index/index-cache.ts';
import { identifyChartCaller, requireChartAccess } from './chart-access.ts';
import { sendChartError } from './chart-errors.ts';
import { sendIndex } from './send-index.ts';

type ProjectParams = { project: string };
type ChartParams = ProjectParams & { name: string };
type VersionParams = ChartParams & { version: string };
type FileParams = ProjectParams & { file: string };

/** The archive and provenance file of an upload request. */
interface UploadBody {
  chart?: Buffer;
  prov?: Buffer;
}

/** `?force` or `?force=true` (as `helm cm-push --force` sends it) allows replacing a version. */
function forceRequested(request: FastifyRequest): boolean {
  const force = (request.query as Record<string, string | undefined>).force;
  return force !== undefined && force !== 'false' && force !== '0';
}

/** Reads the multipart fields `chart` and `prov`, or the whole body as the single file. */
async function readUpload(request: FastifyRequest, rawField: 'chart' | 'prov'): Promise<UploadBody> {
  if (!request.isMultipart()) {
    const body = request.body;
    return Buffer.isBuffer(body) && body.length > 0 ? { [rawField]: body } : {};
  }

  const upload: UploadBody = {};
  for await (const part of request.parts()) {
    if (part.type !== 'file') continue;
    const data = await part.toBuffer();
    if (part.fieldname === 'chart' || part.fieldname === 'prov') upload[part.fieldname] = data;
  }
  return upload;
}

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('yaml');
}

/**
 * Mounts the Helm chart repository (`/chartrepo/...`) and the
 * ChartMuseum-compatible API (`/api/chartrepo/...`). Request bodies are read
 * here, up to the configured archive size.
 */
export async function registerChartRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { charts, chartIndex } = services;
  const maxArchiveBytes = services.config.chartMaxBytes;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxArchiveBytes }, (_request, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: maxArchiveBytes, files: 2, fieldSize: MAX_PROVENANCE_BYTES } });
  app.setErrorHandler((error, request, reply) => sendChartError(error, request, reply, maxArchiveBytes));

  const authorize = async (request: FastifyRequest, reply: FastifyReply, project: string, action: 'read' | 'upload' | 'delete'): Promise<Caller> => {
    request.repository = project;
    const caller = await identifyChartCaller(services, request, reply);
    await requireChartAccess(services, reply, caller, project, action);
    return caller;
  };
  const audit = (request: FastifyRequest, caller: Caller, action: string, project: string, resource: string) => {
    void services.audit.record({ ...actorOf(caller), clientIp: request.ip, action, resource: `chart:${project}/${resource}`, project });
  };

  const serveProjectIndex = (format: IndexFormat | 'negotiate') => async (request: FastifyRequest<{ Params: ProjectParams }>, reply: FastifyReply) => {
    const { project } = request.params;
    await authorize(request, reply, project, 'read');
    const cached = await chartIndex.projectIndex(await services.projects.get(project));
    let chosen = format;
    if (chosen === 'negotiate') chosen = wantsJson(request) ? 'json' : 'yaml';
    return sendIndex(request, reply, cached, chosen);
  };
  app.get('/chartrepo/:project/index.yaml', serveProjectIndex('negotiate'));
  app.get('/chartrepo/:project/index.json', serveProjectIndex('json'));

  app.get('/chartrepo/index.yaml', async (request, reply) => {
    const caller = await identifyChartCaller(services, request, reply);
    const readable = await services.access.readableProjects(caller, 'chart:read');
    const projects = (await services.projects.list()).filter((project) => readable === 'all' || readable.includes(project.name));
    const cached = await chartIndex.mergedIndex(projects);
    return sendIndex(request, reply, cached, wantsJson(request) ? 'json' : 'yaml');
  });

  app.get<{ Params: FileParams }>('/chartrepo/:project/charts/:file', async (request, reply) => {
    const { project, file } = request.params;
    const caller = await authorize(request, reply, project, 'read');
    const download = await charts.openFile(project, file);
    reply.header('content-length', String(download.size)).type(download.contentType);
    if (request.method === 'HEAD') {
      download.stream.destroy();
      return reply.send();
    }
    // Aggregated like image pulls, so an install storm costs one row per caller and chart.
    services.audit.recordPull({ ...actorOf(caller), clientIp: request.ip, action: 'pull', resource: `chart:${project}/${file}`, project });
    return reply.send(download.stream);
  });

  app.get<{ Params: ProjectParams }>('/api/chartrepo/:project/charts', async (request, reply) => {
    await authorize(request, reply, request.params.project, 'read');
    return reply.send(await charts.listCharts(request.params.project));
  });

  app.get<{ Params: ChartParams }>('/api/chartrepo/:project/charts/:name', async (request, reply) => {
    await authorize(request, reply, request.params.project, 'read');
    return reply.send(await charts.listVersions(request.params.project, request.params.name));
  });

  app.get<{ Params: VersionParams }>('/api/chartrepo/:project/charts/:name/:version', async (request, reply) => {
    const { project, name, version } = request.params;
    await authorize(request, reply, project, 'read');
    return reply.send(await charts.getVersion(project, name, version));
  });

  app.post<{ Params: ProjectParams }>('/api/chartrepo/:project/charts', async (request, reply) => {
    const { project } = request.params;
    const caller = await authorize(request, reply, project, 'upload');
    const upload = await readUpload(request, 'chart');
    if (!upload.chart && !upload.prov) {
      throw new WharfError('INVALID_INPUT', 'no package or provenance file found in form fields chart and prov, and the body is empty');
    }

    const force = forceRequested(request);
    if (upload.chart) {
      const saved = await charts.upload(project, upload.chart, { force, ...(upload.prov ? { provenance: upload.prov } : {}) });
      audit(request, caller, 'push', project, `${saved.name}-${saved.version}`);
    } else {
      await charts.addProvenance(project, upload.prov!, force);
    }
    return reply.code(201).send({ saved: true });
  });

  app.post<{ Params: ProjectParams }>('/api/chartrepo/:project/prov', async (request, reply) => {
    const { project } = request.params;
    await authorize(request, reply, project, 'upload');
    const upload = await readUpload(request, 'prov');
    if (!upload.prov) throw new WharfError('INVALID_INPUT', 'no provenance file found in the body or the form field prov');
    await charts.addProvenance(project, upload.prov, forceRequested(request));
    return reply.code(201).send({ saved: true });
  });

  app.delete<{ Params: VersionParams }>('/api/chartrepo/:project/charts/:name/:version', async (request, reply) => {
    const { project, name, version } = request.params;
    const caller = await authorize(request, reply, project, 'delete');
    await charts.deleteVersion(project, name, version);
    audit(request, caller, 'delete', project, `${name}-${version}`);
    return reply.send({ deleted: true });
  });
}
