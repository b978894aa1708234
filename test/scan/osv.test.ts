import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAdvisory, type AffectedPackage } from '../../api/scan/osv/advisory.ts';
import { checkAffected } from '../../api/scan/osv/affected.ts';
import { cvss2BaseScore, cvss3BaseScore } from '../../api/scan/osv/cvss.ts';
import { parseEcosystem } from '../../api/scan/osv/ecosystem.ts';
import { readAdvisories, type AdvisoryReadResult } from '../../api/scan/osv/read.ts';
import { allAdvisories, debianGlibc, npmLodash, npmMinimist } from './support/advisories.ts';
import { buildZip } from './support/zip.ts';

describe('CVSS scores', () => {
  test('version 3 base scores', () => {
    const cases: [string, number][] = [
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
      ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2],
      ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N', 6.1],
      ['CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N', 5.4],
      ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
      ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N', 0],
      ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P', 6.1],
    ];
    for (const [vector, score] of cases) assert.equal(cvss3BaseScore(vector), score, vector);
  });

  test('version 2 base scores', () => {
    assert.equal(cvss2BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P'), 7.5);
    assert.equal(cvss2BaseScore('AV:N/AC:L/Au:N/C:N/I:N/A:P'), 5);
    assert.equal(cvss2BaseScore('AV:N/AC:M/Au:N/C:N/I:P/A:N'), 4.3);
  });

  test('invalid vectors are rejected', () => {
    assert.throws(() => cvss3BaseScore('CVSS:3.1/AV:N/AC:L'), /metric S is missing/);
    assert.throws(() => cvss3BaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /AV has an unknown value/);
    assert.throws(() => cvss3BaseScore('CVSS:4.0/AV:N'), /CVSS:3.0 or CVSS:3.1/);
  });
});

describe('OSV advisories', () => {
  test('fields and aliases', () => {
    const advisory = parseAdvisory(debianGlibc);

    assert.equal(advisory.id, 'DEBIAN-CVE-2026-4438');
    assert.deepEqual(advisory.aliases, ['CVE-2026-4438']);
    assert.deepEqual(advisory.severity, {
      level: 'Medium',
      score: 5.4,
      vector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N',
      source: 'CVSS_V3',
    });
    assert.deepEqual(
      advisory.affected.map((entry) => `${entry.ecosystem} ${entry.name}`),
      ['Debian:12 glibc', 'Debian:11 glibc'],
    );
  });

  test('severity without CVSS', () => {
    const debianUrgency = parseAdvisory({
      id: 'DSA-0000-1',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ecosystem_specific: { urgency: 'unimportant' } }],
    });
    const github = parseAdvisory({ ...npmLodash, severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }] });
    const ubuntu = parseAdvisory({ id: 'UBUNTU-CVE-2023-0464', severity: [{ type: 'Ubuntu', score: 'low' }] });
    const none = parseAdvisory({ id: 'GO-2022-1059' });

    assert.deepEqual(debianUrgency.affected[0]!.severity, { level: 'Negligible', source: 'urgency' });
    assert.deepEqual(github.severity, { level: 'High', source: 'severity' });
    assert.deepEqual(ubuntu.severity, { level: 'Low', source: 'Ubuntu' });
    assert.deepEqual(none.severity, { level: 'Unknown', source: 'none' });
  });

  test('invalid documents are rejected', () => {
    assert.throws(() => parseAdvisory({ summary: 'no id' }), /"id" is missing/);
    assert.throws(() => parseAdvisory({ id: 'X-1', affected: {} }), /X-1: "affected" is not an array/);
  });

  test('ecosystem names', () => {
    assert.deepEqual(parseEcosystem('Debian:12'), { name: 'Debian', release: '12', qualifiers: [] });
    assert.deepEqual(parseEcosystem('Alpine:v3.19'), { name: 'Alpine', release: 'v3.19', qualifiers: [] });
    assert.deepEqual(parseEcosystem('Ubuntu:Pro:18.04:LTS'), { name: 'Ubuntu', release: '18.04', qualifiers: ['Pro', 'LTS'] });
    assert.deepEqual(parseEcosystem('npm'), { name: 'npm', release: undefined, qualifiers: [] });
  });
});

describe('affected versions', () => {
  const entry = (ecosystem: string, events: object[], versions: string[] = []): AffectedPackage => ({
    ecosystem,
    name: 'pkg',
    ranges: [{ type: 'ECOSYSTEM', events }],
    versions,
  });

  test('introduced and fixed', () => {
    const minimist = parseAdvisory(npmMinimist).affected[0]!;

    assert.deepEqual(checkAffected(minimist, '0.0.8'), { affected: true, fixed: '0.2.4' });
    assert.deepEqual(checkAffected(minimist, '0.2.4'), { affected: false });
    assert.deepEqual(checkAffected(minimist, '0.9.0'), { affected: false });
    assert.deepEqual(checkAffected(minimist, '1.2.5'), { affected: true, fixed: '1.2.6' });
    assert.deepEqual(checkAffected(minimist, '1.2.6'), { affected: false });
  });

  test('events in any order', () => {
    const shuffled = entry('Debian:12', [{ fixed: '1.0-3' }, { introduced: '1.0-1' }, { introduced: '0' }, { fixed: '0.9-1' }]);

    assert.deepEqual(checkAffected(shuffled, '0.5-1'), { affected: true, fixed: '0.9-1' });
    assert.deepEqual(checkAffected(shuffled, '0.9-2'), { affected: false });
    assert.deepEqual(checkAffected(shuffled, '1.0-2'), { affected: true, fixed: '1.0-3' });
  });

  test('last_affected and limit', () => {
    const lastAffected = entry('PyPI', [{ introduced: '1.0' }, { last_affected: '1.4.2' }]);
    const limited = entry('npm', [{ introduced: '0' }, { limit: '2.0.0' }]);

    assert.deepEqual(checkAffected(lastAffected, '1.4.2'), { affected: true });
    assert.deepEqual(checkAffected(lastAffected, '1.4.2.post1'), { affected: false });
    assert.deepEqual(checkAffected(lastAffected, '0.9'), { affected: false });
    assert.deepEqual(checkAffected(limited, '1.9.9'), { affected: true });
    assert.deepEqual(checkAffected(limited, '2.0.0'), { affected: false });
  });

  test('epochs and tildes in Debian ranges', () => {
    const zlib = entry('Debian:12', [{ introduced: '0' }, { fixed: '1:1.2.13.dfsg-1' }]);
    const backport = entry('Debian:12', [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }]);

    assert.deepEqual(checkAffected(zlib, '1.2.13.dfsg-9'), { affected: true, fixed: '1:1.2.13.dfsg-1' });
    assert.deepEqual(checkAffected(zlib, '1:1.2.13.dfsg-1'), { affected: false });
    assert.deepEqual(checkAffected(backport, '3.0.11-1~deb12u2'), { affected: true, fixed: '3.0.13-1~deb12u1' });
    assert.deepEqual(checkAffected(backport, '3.0.13-1'), { affected: false });
  });

  test('versions list', () => {
    const listed = entry('PyPI', [{ introduced: '0' }, { fixed: '2.0' }], ['1.0', '1.1']);
    const unknownEcosystem = { ...entry('Hackage', [{ introduced: '0' }]), versions: ['0.1.0'] };

    assert.deepEqual(checkAffected({ ...listed, ranges: [] }, '1.0.0'), { affected: true });
    assert.deepEqual(checkAffected({ ...listed, ranges: [] }, '1.2'), { affected: false });
    assert.deepEqual(checkAffected(unknownEcosystem, '0.1.0'), { affected: true });
    assert.deepEqual(checkAffected(unknownEcosystem, '0.2.0'), { affected: false });
  });

  test('unparsable installed version', () => {
    const semverRange = { ...entry('npm', []), ranges: [{ type: 'SEMVER' as const, events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] };

    assert.deepEqual(checkAffected(semverRange, 'not-a-version'), { affected: false });
  });
});

describe('reading advisory files', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'wharf-osv-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  async function readAll(location: string): Promise<AdvisoryReadResult[]> {
    const results: AdvisoryReadResult[] = [];
    for await (const result of readAdvisories(location)) results.push(result);
    return results;
  }

  function describeResults(results: AdvisoryReadResult[]): string[] {
    return results.map((result) =>
      'advisory' in result
        ? `${path.relative(directory, result.source)} ${result.advisory.id}`
        : `${path.relative(directory, result.source)} error: ${result.error}`,
    );
  }

  test('zip archive as osv.dev publishes it', async () => {
    const archive = path.join(directory, 'all.zip');
    writeFileSync(
      archive,
      buildZip([
        ...allAdvisories.map((advisory) => ({ name: `${advisory.id}.json`, content: JSON.stringify(advisory) })),
        { name: 'README.txt', content: 'not an advisory' },
        { name: 'BROKEN-1.json', content: '{"id": ' },
      ]),
    );

    const results = await readAll(archive);

    assert.deepEqual(describeResults(results), [
      ...allAdvisories.map((advisory) => `all.zip:${advisory.id}.json ${advisory.id}`),
      `all.zip:BROKEN-1.json error: invalid JSON: ${jsonError('{"id": ')}`,
    ]);
  });

  test('folder of JSON files', async () => {
    const folder = path.join(directory, 'folder');
    mkdirSync(path.join(folder, 'npm'), { recursive: true });
    writeFileSync(path.join(folder, 'npm', 'GHSA-35jh-r3h4-6jhm.json'), JSON.stringify(npmLodash));
    writeFileSync(path.join(folder, 'list.json'), JSON.stringify([npmMinimist, { summary: 'no id' }]));
    writeFileSync(path.join(folder, 'notes.md'), '# not read');

    const results = await readAll(folder);

    assert.deepEqual(describeResults(results), [
      'folder/list.json GHSA-xvch-5gv4-984h',
      'folder/list.json error: invalid OSV advisory: "id" is missing',
      'folder/npm/GHSA-35jh-r3h4-6jhm.json GHSA-35jh-r3h4-6jhm',
    ]);
  });

  test('corrupt zip archive', async () => {
    const archive = path.join(directory, 'corrupt.zip');
    writeFileSync(archive, Buffer.from('PK\x03\x04 this is not a zip archive'));

    await assert.rejects(readAll(archive), /cannot read zip archive .*corrupt\.zip/);
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}
