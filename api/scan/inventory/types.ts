/**
 * Types shared by the inventory readers.
 */

/** Package URL types (purl) of the package kinds Wharf inventories. */
export type PackageType = 'deb' | 'apk' | 'npm' | 'pypi' | 'golang';

/** One package found installed in an image. */
export interface InstalledPackage {
  type: PackageType;
  name: string;
  version: string;
  /** OSV ecosystem without release: `Debian`, `Ubuntu`, `Alpine`, `npm`, `PyPI`, `Go`. */
  ecosystem: string;
  /** Source package (dpkg `Source`, apk origin) when it differs from the binary package. */
  sourceName?: string;
  /** Version of the source package, when dpkg records one that differs (binNMUs). */
  sourceVersion?: string;
  architecture?: string;
  /** Path in the image of the file that lists the package, without a leading slash. */
  path: string;
  /** Digest of the layer the package was installed by, as far as the files show. */
  layerDigest: string;
}

/** Fields of `/etc/os-release` that identify the distribution. */
export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
}

/** A file the inventory did not read, and why. */
export interface SkippedFile {
  path: string;
  layerDigest: string;
  reason: string;
}

/** Everything the inventory found in an image. */
export interface Inventory {
  os?: OsRelease;
  packages: InstalledPackage[];
  skipped: SkippedFile[];
}
