import { projectPath } from './project-access';

/** Path of a repository page; `repository` is the full name, starting with the project. */
export function repositoryPath(repository: string): string {
  const [project = '', ...rest] = repository.split('/');
  return projectPath(project, `repositories/${rest.map(encodeURIComponent).join('/')}`);
}

/** Path of an artifact page, by the artifact's digest. */
export function artifactPath(repository: string, digest: string): string {
  const [project = ''] = repository.split('/');
  return `${projectPath(project, `artifacts/${encodeURIComponent(digest)}`)}?repository=${encodeURIComponent(repository)}`;
}

export function chartPath(project: string, chart: string, version?: string): string {
  const path = projectPath(project, `charts/${encodeURIComponent(chart)}`);
  return version ? `${path}?version=${encodeURIComponent(version)}` : path;
}
