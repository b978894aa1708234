/**
 * Software bills of materials: a CycloneDX 1.5 JSON document of an image's inventory.
 */
import { randomUUID } from 'node:crypto';
import { packageUrl } from './purl.ts';
import type { Inventory } from './inventory/types.ts';

/** The image the SBOM describes and the tool that made it. */
export interface SbomSubject {
  /** Repository name, such as `library/app`. */
  name: string;
  /** Manifest digest of the image. */
  digest: string;
  toolVersion: string;
  /** Creation time; defaults to now. */
  timestamp?: Date;
}

/**
 * Builds a CycloneDX 1.5 document: the image as the metadata component, the OS as
 * an `operating-system` component, and each package as a `library` with its purl
 * and, as `wharf:` properties, the layer and file it was found in.
 */
export function buildCycloneDxSbom(inventory: Inventory, subject: SbomSubject): object {
  const components: object[] = [];
  if (inventory.os) {
    components.push({
      'bom-ref': `os:${inventory.os.id}@${inventory.os.versionId ?? ''}`,
      type: 'operating-system',
      name: inventory.os.id,
      ...(inventory.os.versionId ? { version: inventory.os.versionId } : {}),
      ...(inventory.os.prettyName ? { description: inventory.os.prettyName } : {}),
    });
  }

  const references = new Set<string>();
  for (const item of inventory.packages) {
    const purl = packageUrl(item, inventory.os);
    let reference = purl;
    for (let copy = 2; references.has(reference); copy++) reference = `${purl}#${copy}`;
    references.add(reference);

    const properties = [
      { name: 'wharf:ecosystem', value: item.ecosystem },
      { name: 'wharf:layer_digest', value: item.layerDigest },
      { name: 'wharf:path', value: `/${item.path}` },
      ...(item.sourceName ? [{ name: 'wharf:source_package', value: item.sourceName }] : []),
    ];
    components.push({ 'bom-ref': reference, type: 'library', name: item.name, version: item.version, purl, properties });
  }

  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: (subject.timestamp ?? new Date()).toISOString(),
      tools: { components: [{ type: 'application', name: 'wharf', version: subject.toolVersion }] },
      component: {
        'bom-ref': subject.digest,
        type: 'container',
        name: subject.name,
        version: subject.digest,
      },
    },
    components,
  };
}
