import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FilesystemDriver } from '../../api/storage/filesystem-driver.ts';
import { MemoryDriver } from '../../api/storage/memory-driver.ts';
import { runDriverSuite } from './driver-suite.ts';

runDriverSuite('memory', async () => ({ driver: new MemoryDriver(), close: async () => {} }));

runDriverSuite('filesystem', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'wharf-storage-'));
  return {
    driver: new FilesystemDriver(root),
    // Temporary files count as leftovers; empty folders do not.
    async leftovers() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.join(entry.parentPath, entry.name));
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
});
