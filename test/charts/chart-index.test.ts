import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { blobKey } from '../../api/storage/paths.ts';
import { ChartIndexService } from '../../charts-repo/catalog/chart-index-service.ts';
import { ChartRecords } from '../../charts-repo/catalog/chart-records.ts';
import type { IndexEntry } from '../../charts-repo/index/index-entry.ts';
import { USE_PGLITE } from '../support/database.ts';
import { startTestWharf, type TestWharf } from '../support/wharf.ts';
import { buildChart } from './support/build-chart.ts';
import { loadWharfIndex } from './support/helm-index-rules.ts';

/** ChartRecords that counts the rows each index build reads. */
class CountingRecords extends ChartRecords {
  wholeProjectReads = 0;
  chartNamesRead: string[][] = [];

  override async entries(projectIds: number[]): Promise<{ projectId: number; entry: IndexEntry }[]> {
    this.wholeProjectReads += 1;
    return super.entries(projectIds);
  }

  override async entriesOf(projectId: number, names: string[]): Promise<IndexEntry[]> {
    this.chartNamesRead.push([...names].sort());
    return super.entriesOf(projectId, names);
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('chart index updates', () => {
  let wharf: TestWharf;

  const upload = async (project: string, archive: Buffer) => {
    const response = await fetch(`${wharf.url}/api/chartrepo/${project}/charts`, {
      method: 'POST',
      headers: { authorization: wharf.adminAuth, 'content-type': 'application/octet-stream' },
      body: archive,
    });
    assert.equal(response.status, 201, await response.text());
  };
  const remove = async (project: string, name: string, version: string) => {
    const response = await fetch(`${wharf.url}/api/chartrepo/${project}/charts/${name}/${version}`, {
      method: 'DELETE',
      headers: { authorization: wharf.adminAuth },
    });
    assert.equal(response.status, 200, await response.text());
  };
  const fetchIndex = async (project: string, target = wharf) => {
    const response = await fetch(`${target.url}/chartrepo/${project}/index.yaml`, { headers: { authorization: wharf.adminAuth } });
    assert.equal(response.status, 200);
    return Buffer.from(await response.arrayBuffer());
  };

  before(async () => {
    wharf = await startTestWharf();
  });
  after(async () => {
    await wharf.close();
  });

  test('index never reads archives', async () => {
    await wharf.services.projects.create('noread', { public: false });
    const first = buildChart('first', '1.0.0');
    await upload('noread', first);
    // With the archive's bytes gone, an index built from archives would fail or drop the chart.
    assert.equal(await wharf.services.storage.delete(blobKey(`sha256:${sha256(first)}`)), true);

    const second = buildChart('second', '1.0.0');
    await upload('noread', second);
    const index = loadWharfIndex(await fetchIndex('noread'));
    assert.equal(index.entries.first?.[0]?.digest, sha256(first));
    assert.equal(index.entries.second?.[0]?.digest, sha256(second));
  });

  test('update reads changed charts only', async () => {
    const project = await wharf.services.projects.create('partial', { public: false });
    for (const name of ['alpha', 'beta', 'gamma']) {
      for (const version of ['1.0.0', '1.1.0']) await upload('partial', buildChart(name, version));
    }
    const records = new CountingRecords(wharf.services.db.prisma);
    const service = new ChartIndexService(records);
    const summary = await wharf.services.projects.get('partial');
    assert.equal(summary.id, project.id);

    const initial = await service.projectIndex(summary);
    assert.equal(records.wholeProjectReads, 1);
    assert.equal(initial, await service.projectIndex(summary), 'an unchanged catalog is rebuilt');
    assert.equal(records.wholeProjectReads, 1);

    await upload('partial', buildChart('beta', '2.0.0'));
    await remove('partial', 'gamma', '1.0.0');
    const updated = loadWharfIndex((await service.projectIndex(summary)).variant('yaml').body);
    assert.equal(records.wholeProjectReads, 1, 'the update read every row again');
    assert.deepEqual(records.chartNamesRead, [['beta', 'gamma']]);
    assert.deepEqual(updated.entries.beta!.map((entry) => entry.version), ['2.0.0', '1.1.0', '1.0.0']);
    assert.deepEqual(updated.entries.gamma!.map((entry) => entry.version), ['1.1.0']);
    assert.deepEqual(updated.entries.alpha!.map((entry) => entry.version), ['1.1.0', '1.0.0']);
  });

  test('updated index equals full build', async () => {
    await wharf.services.projects.create('same', { public: false });
    const summary = await wharf.services.projects.get('same');
    const service = new ChartIndexService(new ChartRecords(wharf.services.db.prisma));
    await upload('same', buildChart('kept', '1.0.0'));
    await service.projectIndex(summary);

    await upload('same', buildChart('kept', '1.0.1-rc.1'));
    await upload('same', buildChart('added', '0.1.0'));
    await upload('same', buildChart('dropped', '3.0.0'));
    await service.projectIndex(summary);
    await remove('same', 'dropped', '3.0.0');

    const incremental = await service.projectIndex(summary);
    const full = await new ChartIndexService(new ChartRecords(wharf.services.db.prisma)).projectIndex(summary);
    for (const format of ['yaml', 'json'] as const) {
      assert.ok(incremental.variant(format).body.equals(full.variant(format).body), `${format} differs from a full build`);
    }
    const index = loadWharfIndex(incremental.variant('yaml').body);
    assert.deepEqual(Object.keys(index.entries).sort(), ['added', 'kept']);
  });

  test('merged index follows changes', async () => {
    await wharf.services.projects.create('merge-a', { public: true });
    await wharf.services.projects.create('merge-b', { public: true });
    await upload('merge-a', buildChart('web', '1.0.0'));
    await upload('merge-b', buildChart('web', '2.0.0'));
    const merged = async () => {
      const response = await fetch(`${wharf.url}/chartrepo/index.yaml`);
      assert.equal(response.status, 200);
      return loadWharfIndex(Buffer.from(await response.arrayBuffer()));
    };
    const first = await merged();
    assert.equal(first.entries['merge-a/web']?.[0]?.version, '1.0.0');
    assert.equal(first.entries['merge-b/web']?.[0]?.version, '2.0.0');

    await upload('merge-b', buildChart('web', '2.1.0'));
    await remove('merge-a', 'web', '1.0.0');
    const second = await merged();
    assert.equal(second.entries['merge-a/web'], undefined);
    assert.deepEqual(second.entries['merge-b/web']!.map((entry) => entry.version), ['2.1.0', '2.0.0']);
    assert.deepEqual(second.entries['merge-b/web']![0]!.urls, ['merge-b/charts/web-2.1.0.tgz']);
  });

  test('second instance sees changes', { skip: USE_PGLITE ? 'PGlite cannot be shared by two instances' : false }, async () => {
    await wharf.services.projects.create('shared', { public: false });
    const other = await startTestWharf({}, { shareWith: wharf });
    try {
      await upload('shared', buildChart('one', '1.0.0'));
      const cached = loadWharfIndex(await fetchIndex('shared', other));
      assert.deepEqual(Object.keys(cached.entries), ['one']);

      await upload('shared', buildChart('two', '1.0.0'));
      await remove('shared', 'one', '1.0.0');
      const updated = loadWharfIndex(await fetchIndex('shared', other));
      assert.deepEqual(Object.keys(updated.entries), ['two']);
      assert.ok((await fetchIndex('shared', other)).equals(await fetchIndex('shared')), 'the instances serve different bytes');
    } finally {
      await other.close();
    }
  });
});
