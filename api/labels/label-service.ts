import type { Prisma } from '../db/client.ts';
import { WharfError } from '../errors/catalog.ts';

/** Label names: 1 to 128 printable characters, not starting or ending with a space. */
const LABEL_NAME = /^[^\s\p{Cc}](?:[^\p{Cc}]{0,126}[^\s\p{Cc}])?$/u;
const LABEL_COLOR = /^#[0-9a-fA-F]{6}$/;

export interface ArtifactLabelRecord {
  artifactId: number;
  name: string;
  color: string | null;
}

function validate(name: string, color: string | undefined): void {
  if (!LABEL_NAME.test(name)) {
    throw new WharfError('INVALID_INPUT', `invalid label "${name}": use 1 to 128 printable characters without leading or trailing spaces`);
  }
  if (color !== undefined && !LABEL_COLOR.test(color)) throw new WharfError('INVALID_INPUT', `invalid label color "${color}": use #rrggbb`);
}

/**
 * Project labels on artifacts. A label exists once per project and is
 * created the first time it is attached; removing it from the last artifact
 * keeps it, so its colour stays for the next use.
 */
export class LabelService {
  constructor(private readonly prisma: Prisma) {}

  /** Attaches the label to the artifact, creating it in the project when new; a `color` sets a new label's colour only. */
  async attach(projectId: number, artifactId: number, name: string, color?: string): Promise<void> {
    validate(name, color);
    await this.prisma.label.createMany({ data: [{ projectId, name, color: color ?? null }], skipDuplicates: true });
    const label = await this.prisma.label.findUniqueOrThrow({ where: { projectId_name: { projectId, name } }, select: { id: true } });
    await this.prisma.artifactLabel.createMany({ data: [{ artifactId, labelId: label.id }], skipDuplicates: true });
  }

  /** Removes the label from the artifact; raises NOT_FOUND when it is not attached. */
  async detach(projectId: number, artifactId: number, name: string): Promise<void> {
    const result = await this.prisma.artifactLabel.deleteMany({ where: { artifactId, label: { projectId, name } } });
    if (result.count === 0) throw new WharfError('NOT_FOUND', `label "${name}" is not attached to this artifact`);
  }

  /** Labels of each artifact, by name. */
  async labelsOf(artifactIds: readonly number[]): Promise<ArtifactLabelRecord[]> {
    if (artifactIds.length === 0) return [];
    const rows = await this.prisma.artifactLabel.findMany({
      where: { artifactId: { in: [...artifactIds] } },
      select: { artifactId: true, label: { select: { name: true, color: true } } },
      orderBy: { label: { name: 'asc' } },
    });
    return rows.map((row) => ({ artifactId: row.artifactId, name: row.label.name, color: row.label.color }));
  }
}
