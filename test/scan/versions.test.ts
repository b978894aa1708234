import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareApkVersions, isValidApkVersion } from '../../api/scan/versions/apk.ts';
import { compareDpkgVersions } from '../../api/scan/versions/dpkg.ts';
import {
  comparePep440Versions,
  normalizePep440Version,
} from '../../api/scan/versions/pep440.ts';
import {
  compareGoVersions,
  compareNpmVersions,
  goToolchainToSemver,
} from '../../api/scan/versions/semver.ts';

type Compare = (a: string, b: string) => number;

/** Asserts that each version sorts strictly before the next one, in both directions. */
function assertAscending(compare: Compare, versions: string[]): void {
  for (let index = 0; index + 1 < versions.length; index++) {
    const lower = versions[index]!;
    const higher = versions[index + 1]!;
    assert.ok(compare(lower, higher) < 0, `expected ${lower} < ${higher}`);
    assert.ok(compare(higher, lower) > 0, `expected ${higher} > ${lower}`);
  }
}

function assertEqualVersions(compare: Compare, a: string, b: string): void {
  assert.equal(compare(a, b), 0, `expected ${a} == ${b}`);
  assert.equal(compare(b, a), 0, `expected ${b} == ${a}`);
}

describe('dpkg versions', () => {
  test('tilde sorts before everything', () => {
    // The example of Debian Policy 5.6.12.
    assertAscending(compareDpkgVersions, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a']);
    assertAscending(compareDpkgVersions, ['3.0.11-1~deb12u2', '3.0.11-1', '3.0.11-1+b1']);
  });

  test('epoch outranks upstream version', () => {
    assertAscending(compareDpkgVersions, ['2.0', '1:0.1', '1:1.2.13.dfsg-1', '2:0.0']);
    assertEqualVersions(compareDpkgVersions, '0:1.0', '1.0');
  });

  test('digits compare as numbers', () => {
    assertAscending(compareDpkgVersions, ['1.2.3', '1.2.10', '1.10', '1.010.1']);
    assertAscending(compareDpkgVersions, ['2.36-9+deb12u13', '2.36-9+deb12u14']);
    assertEqualVersions(compareDpkgVersions, '1.01', '1.1');
  });

  test('letters sort before other characters', () => {
    assertAscending(compareDpkgVersions, ['1.0', '1.0a', '1.0z', '1.0+', '1.0+dfsg', '1.0.0']);
  });

  test('revision splits at last hyphen', () => {
    // "1.0-beta-2" has upstream version "1.0-beta", which sorts after "1.0".
    assertAscending(compareDpkgVersions, ['1.0-1', '1.0-beta-1', '1.0-beta-2']);
    assertAscending(compareDpkgVersions, ['1.0-1', '1.0-2', '1.0-10']);
    assertEqualVersions(compareDpkgVersions, '1.0', '1.0-0');
  });

  test('invalid epoch is rejected', () => {
    assert.throws(() => compareDpkgVersions('a:1.0', '1.0'), /epoch is not a number/);
    assert.throws(() => compareDpkgVersions('', '1.0'), /empty/);
  });
});

describe('apk versions', () => {
  test('suffixes order around release', () => {
    assertAscending(compareApkVersions, [
      '1.0_alpha',
      '1.0_alpha2',
      '1.0_beta',
      '1.0_pre',
      '1.0_rc1',
      '1.0_rc2',
      '1.0',
      '1.0_cvs',
      '1.0_svn',
      '1.0_git',
      '1.0_hg',
      '1.0_p1',
      '1.0_p2',
    ]);
  });

  test('revision compares last', () => {
    assertAscending(compareApkVersions, ['1.0', '1.0-r1', '1.0-r2', '1.0-r10', '1.0.1-r0']);
    assertAscending(compareApkVersions, ['1.0_p1-r0', '1.0_p1-r1', '1.0_p2-r0']);
    assertAscending(compareApkVersions, ['9.16.45-r0', '9.16.48-r0', '9.18.19-r0']);
  });

  test('letter after number', () => {
    assertAscending(compareApkVersions, ['1.0', '1.0a', '1.0b', '1.0.1']);
    assertAscending(compareApkVersions, ['1.0_git20230101~abc', '1.0_git20230101~abd']);
  });

  test('leading zeros compare as fractions', () => {
    assertAscending(compareApkVersions, ['1.001', '1.01', '1.1', '1.9', '1.10']);
  });

  test('validity follows apk grammar', () => {
    assert.equal(isValidApkVersion('1.2.3_rc1-r0'), true);
    assert.equal(isValidApkVersion('1.2.3a_p4-r2'), true);
    assert.equal(isValidApkVersion('1.2-foo'), false);
    assert.equal(isValidApkVersion('1.2_unknown'), false);
    assert.equal(isValidApkVersion('1.2.3~a1b2c3-r0'), true);
  });
});

describe('SemVer versions', () => {
  test('npm pre-release precedence', () => {
    // The precedence example of SemVer 2.0.0, section 11.
    assertAscending(compareNpmVersions, [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.10.0',
    ]);
    assertEqualVersions(compareNpmVersions, '1.0.0+build.5', '1.0.0');
    assert.throws(() => compareNpmVersions('1.0', '1.0.0'), /invalid SemVer version "1.0"/);
  });

  test('Go prefix, pseudo-versions, incompatible', () => {
    assertEqualVersions(compareGoVersions, 'v1.2.3', '1.2.3');
    assertEqualVersions(compareGoVersions, 'v2.0.0+incompatible', '2.0.0');
    assertAscending(compareGoVersions, [
      'v0.0.0-20220315160706-3147a52a75dd',
      'v0.0.0-20220722155237-a158d28d115b',
      'v0.1.0',
      'v1.2.3',
      'v1.2.4-0.20220315160706-3147a52a75dd',
      'v1.2.4-pre',
      'v1.2.4-pre.0.20220315160706-3147a52a75dd',
      'v1.2.4',
    ]);
  });

  test('Go toolchain versions', () => {
    assert.equal(goToolchainToSemver('go1.21.5'), '1.21.5');
    assert.equal(goToolchainToSemver('go1.22'), '1.22.0');
    assert.equal(goToolchainToSemver('go1.21rc2'), '1.21.0-rc.2');
    assert.equal(goToolchainToSemver('devel go1.23-abcdef'), undefined);
  });
});

describe('PEP 440 versions', () => {
  test('ordering example from PEP 440', () => {
    assertAscending(comparePep440Versions, [
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.0.15',
      '1.1.dev1',
    ]);
  });

  test('epoch and trailing zeros', () => {
    assertAscending(comparePep440Versions, ['2.0', '2013.10', '1!1.0']);
    assertEqualVersions(comparePep440Versions, '1.0', '1.0.0');
    assertEqualVersions(comparePep440Versions, '1.0c1', '1.0rc1');
  });

  test('normalisation of spellings', () => {
    assert.equal(normalizePep440Version('v1.0-ALPHA1'), '1.0a1');
    assert.equal(normalizePep440Version('1.0.post'), '1.0.post0');
    assert.equal(normalizePep440Version('1.0-1'), '1.0.post1');
    assert.equal(normalizePep440Version('1.0_rev2'), '1.0.post2');
    assert.equal(normalizePep440Version('1.0-dev'), '1.0.dev0');
    assert.equal(normalizePep440Version('1.0preview3'), '1.0rc3');
    assert.equal(normalizePep440Version('1.0+Ubuntu-1'), '1.0+ubuntu.1');
    assert.equal(normalizePep440Version('0!1.0'), '1.0');
  });

  test('invalid version is rejected', () => {
    assert.throws(() => comparePep440Versions('1.0.x', '1.0'), /invalid PEP 440 version "1.0.x"/);
  });
});
