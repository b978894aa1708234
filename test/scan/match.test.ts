import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readImageInventory } from '../../api/scan/inventory/image.ts';
import type { InstalledPackage } from '../../api/scan/inventory/types.ts';
import { AdvisoryIndex, matchInventory, matchPackage, type Finding } from '../../api/scan/match.ts';
import { parseAdvisory } from '../../api/scan/osv/advisory.ts';
import { allAdvisories } from './support/advisories.ts';
import { alpineLayer, debianLayers, nodeAppLayer, pythonLayer } from './support/images.ts';
import { buildLayer } from './support/layers.ts';
import { compareDpkgVersions } from '../../api/scan/versions/dpkg.ts';

const index = new AdvisoryIndex(allAdvisories.map(parseAdvisory));

/** Formats the fields a reader of a report checks, one line per finding. */
function describeFindings(findings: Finding[]): string[] {
  return findings.map(
    (finding) =>
      `${finding.severity} ${finding.advisoryId} [${finding.aliases.join(',')}] ${finding.packageName} ` +
      `${finding.installedVersion} -> ${finding.fixedVersion ?? 'no fix'}`,
  );
}

describe('matching findings', () => {
  test('Debian image before and after upgrade', async (t) => {
    const debian = debianLayers();
    if (!debian) {
      t.skip('this machine is not Debian 12 with libc6 installed');
      return;
    }
    const libc6 = /Version: (.+)/.exec(debian.paragraphs.get('libc6')!)![1]!;
    if (compareDpkgVersions(libc6, '2.36-9+deb12u14') < 0) {
      t.skip(`this machine's libc6 ${libc6} predates the fix the test expects`);
      return;
    }

    const before = matchInventory(await readImageInventory([debian.lower]), index);
    const after = matchInventory(await readImageInventory([debian.lower, debian.upper]), index);

    // Only the Debian 12 entry matches: the Debian 11 entries (glibc without a fix,
    // OpenSSL CVE-2026-28388) are for another release.
    assert.deepEqual(describeFindings(before.findings), [
      'Medium DEBIAN-CVE-2026-4438 [CVE-2026-4438] libc6 2.36-9+deb12u13 -> 2.36-9+deb12u14',
    ]);
    const finding = before.findings[0]!;
    assert.equal(finding.cvssScore, 5.4);
    assert.equal(finding.cvssVector, 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N');
    assert.equal(finding.layerDigest, debian.lower.digest);
    assert.equal(finding.path, 'var/lib/dpkg/status');
    assert.equal(before.summary.Medium, 1);
    assert.equal(before.summary.fixable, 1);
    // The upper layer installs the fixed libc6 from this machine.
    assert.deepEqual(after.findings, []);
    assert.equal(after.summary.total, 0);
  });

  test('Alpine release must match', async () => {
    const matched = matchInventory(await readImageInventory([alpineLayer('3.16.9')]), index);
    const otherRelease = matchInventory(await readImageInventory([alpineLayer('3.19.1')]), index);

    assert.deepEqual(describeFindings(matched.findings), [
      'Unknown ALPINE-CVE-2023-4408 [CVE-2023-4408] bind-libs 9.16.45-r0 -> 9.16.48-r0',
      'Unknown ALPINE-CVE-2023-4408 [CVE-2023-4408] bind-tools 9.16.45-r0 -> 9.16.48-r0',
    ]);
    assert.equal(matched.summary.Unknown, 2);
    assert.deepEqual(otherRelease.findings, []);
  });

  test('distribution packages stay in their distribution', () => {
    // A Debian package built from a source named "bind" must not meet Alpine's advisory.
    const debianBind: InstalledPackage = {
      type: 'deb',
      name: 'bind9-libs',
      version: '1:9.16.44-1~deb11u1',
      ecosystem: 'Debian',
      sourceName: 'bind',
      path: 'var/lib/dpkg/status',
      layerDigest: 'sha256:0',
    };

    assert.deepEqual(matchPackage(debianBind, { id: 'debian', versionId: '11' }, index), []);
    assert.deepEqual(matchPackage({ ...debianBind, type: 'apk', ecosystem: 'Alpine' }, undefined, index), []);
  });

  test('language packages and fixed versions', async () => {
    const inventory = await readImageInventory([nodeAppLayer(), pythonLayer()]);

    const report = matchInventory(inventory, index);

    // minimist 1.2.6 is the fixed version and 0.0.8 is in the first range;
    // urllib3 has no advisory here.
    assert.deepEqual(describeFindings(report.findings), [
      'Critical GHSA-xvch-5gv4-984h [CVE-2021-44906] minimist 0.0.8 -> 0.2.4',
      'High GHSA-35jh-r3h4-6jhm [CVE-2021-23337] lodash 4.17.20 -> 4.17.21',
      'Medium GHSA-j8r2-6x86-q33q [CVE-2023-32681,PYSEC-2023-74] requests 2.28.1 -> 2.31.0',
    ]);
    assert.deepEqual(
      report.findings.map((finding) => finding.cvssScore),
      [9.8, 7.2, 6.1],
    );
    assert.deepEqual(report.summary, {
      Critical: 1,
      High: 1,
      Medium: 1,
      Low: 0,
      Negligible: 0,
      Unknown: 0,
      total: 3,
      fixable: 3,
    });
  });

  test('Go module from build information', async () => {
    const goPackage = (version: string): InstalledPackage => ({
      type: 'golang',
      name: 'golang.org/x/text',
      version,
      ecosystem: 'Go',
      path: 'usr/local/bin/app',
      layerDigest: 'sha256:1',
    });

    const vulnerable = matchPackage(goPackage('v0.3.7'), undefined, index);
    const fixed = matchPackage(goPackage('v0.3.8'), undefined, index);
    const pseudo = matchPackage(goPackage('v0.0.0-20220722155237-a158d28d115b'), undefined, index);

    assert.deepEqual(describeFindings(vulnerable), [
      'Unknown GO-2022-1059 [CVE-2022-32149,GHSA-69ch-w2m2-3vjp] golang.org/x/text v0.3.7 -> 0.3.8',
    ]);
    assert.deepEqual(fixed, []);
    assert.equal(pseudo.length, 1);
  });

  test('PyPI names are normalised', async () => {
    const layer = buildLayer('py-case', [
      { path: 'usr/lib/python3/dist-packages/Requests-2.30.0.dist-info/METADATA', content: 'Name: Requests\nVersion: 2.30.0\n' },
    ]);

    const report = matchInventory(await readImageInventory([layer]), index);

    assert.deepEqual(describeFindings(report.findings), [
      'Medium GHSA-j8r2-6x86-q33q [CVE-2023-32681,PYSEC-2023-74] Requests 2.30.0 -> 2.31.0',
    ]);
  });
});
