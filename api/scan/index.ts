/**
 * Vulnerability scanning. The building blocks below need no database or HTTP,
 * and scan-services.ts wires them to PostgreSQL, storage and the job queue:
 *
 * - `readImageInventory(layers)` streams an image's layers and lists its packages;
 * - `readAdvisories(path)` reads OSV advisories from JSON files, folders or zips;
 * - `AdvisoryIndex` and `matchInventory` turn both into findings and counts;
 * - `buildCycloneDxSbom` writes the inventory as a CycloneDX 1.5 document;
 * - `versionComparator(ecosystem)` orders versions as dpkg, apk, SemVer or PEP 440 do.
 */
export {
  defaultInventoryLimits,
  InvalidLayerError,
  readImageInventory,
  type InventoryLimits,
  type LayerSource,
} from './inventory/image.ts';
export type { InstalledPackage, Inventory, OsRelease, SkippedFile } from './inventory/types.ts';
export { parseAdvisory, type Advisory, type AffectedPackage, type RatedSeverity } from './osv/advisory.ts';
export { checkAffected, type AffectedVerdict } from './osv/affected.ts';
export { readAdvisories, type AdvisoryReadResult } from './osv/read.ts';
export {
  AdvisoryIndex,
  matchInventory,
  matchPackage,
  summarizeFindings,
  type Finding,
  type MatchReport,
  type SeveritySummary,
} from './match.ts';
export { buildCycloneDxSbom, type SbomSubject } from './sbom.ts';
export { packageUrl } from './purl.ts';
export { compareSeverities, severitiesBySeverity, type Severity } from './severity.ts';
export { versionComparator, type VersionComparator } from './versions/index.ts';
