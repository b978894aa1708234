import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the folder that contains Wharf's package.json: the nearest one above
 * this module. The module runs from api/ under tsx and from dist/ in the
 * bundle that `npm start` builds, so paths relative to this file would differ.
 */
function findProjectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}; run Wharf from its checkout`);
    folder = parent;
  }
  return folder;
}

/** The folder that contains Wharf's package.json, prisma/ and web/. */
export const PROJECT_ROOT = findProjectRoot();
