import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Inventory } from '../../api/scan/inventory/types.ts';
import { packageUrl } from '../../api/scan/purl.ts';
import { buildCycloneDxSbom } from '../../api/scan/sbom.ts';

const inventory: Inventory = {
  os: { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  packages: [
    { type: 'deb', name: 'libc6', version: '2.36-9+deb12u14', ecosystem: 'Debian', sourceName: 'glibc', architecture: 'amd64', path: 'var/lib/dpkg/status', layerDigest: 'sha256:aa' },
    { type: 'deb', name: 'zlib1g', version: '1:1.2.13.dfsg-1', ecosystem: 'Debian', sourceName: 'zlib', architecture: 'amd64', path: 'var/lib/dpkg/status', layerDigest: 'sha256:aa' },
    { type: 'npm', name: '@scope/tool', version: '2.0.0', ecosystem: 'npm', path: 'app/node_modules/@scope/tool/package.json', layerDigest: 'sha256:bb' },
    { type: 'pypi', name: 'Zope.Interface', version: '6.0', ecosystem: 'PyPI', path: 'usr/lib/python3/dist-packages/zope.interface-6.0.dist-info/METADATA', layerDigest: 'sha256:bb' },
    { type: 'golang', name: 'golang.org/x/text', version: 'v0.3.7', ecosystem: 'Go', path: 'usr/local/bin/app', layerDigest: 'sha256:cc' },
    { type: 'golang', name: 'golang.org/x/text', version: 'v0.3.7', ecosystem: 'Go', path: 'usr/local/bin/other', layerDigest: 'sha256:cc' },
  ],
  skipped: [],
};

describe('SBOM', () => {
  test('package URLs per type', () => {
    assert.deepEqual(
      inventory.packages.map((item) => packageUrl(item, inventory.os)),
      [
        'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12',
        'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12',
        'pkg:npm/%40scope/tool@2.0.0',
        'pkg:pypi/zope-interface@6.0',
        'pkg:golang/golang.org/x/text@v0.3.7',
        'pkg:golang/golang.org/x/text@v0.3.7',
      ],
    );
    const alpine = { type: 'apk' as const, name: 'musl', version: '1.2.4-r2', ecosystem: 'Alpine', architecture: 'x86_64', path: 'lib/apk/db/installed', layerDigest: 'sha256:dd' };
    assert.equal(
      packageUrl(alpine, { id: 'alpine', versionId: '3.19.1' }),
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1',
    );
  });

  test('CycloneDX 1.5 document', () => {
    const timestamp = new Date('2026-01-02T03:04:05Z');

    const sbom = buildCycloneDxSbom(inventory, { name: 'library/app', digest: 'sha256:ff', toolVersion: '0.1.0', timestamp }) as any;

    assert.equal(sbom.bomFormat, 'CycloneDX');
    assert.equal(sbom.specVersion, '1.5');
    assert.match(sbom.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.deepEqual(sbom.metadata.component, { 'bom-ref': 'sha256:ff', type: 'container', name: 'library/app', version: 'sha256:ff' });
    assert.equal(sbom.metadata.timestamp, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(sbom.components[0], {
      'bom-ref': 'os:debian@12',
      type: 'operating-system',
      name: 'debian',
      version: '12',
      description: 'Debian GNU/Linux 12 (bookworm)',
    });
    assert.deepEqual(sbom.components[1], {
      'bom-ref': 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12',
      type: 'library',
      name: 'libc6',
      version: '2.36-9+deb12u14',
      purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12',
      properties: [
        { name: 'wharf:ecosystem', value: 'Debian' },
        { name: 'wharf:layer_digest', value: 'sha256:aa' },
        { name: 'wharf:path', value: '/var/lib/dpkg/status' },
        { name: 'wharf:source_package', value: 'glibc' },
      ],
    });
    const references = sbom.components.map((component: { 'bom-ref': string }) => component['bom-ref']);
    assert.equal(new Set(references).size, references.length, 'bom-ref values are unique');
    assert.equal(sbom.components.length, 7);
  });
});
