/**
 * Alpine's installed-package database (`/lib/apk/db/installed`): one block per
 * package, blocks separated by blank lines, each line a one-letter key, a colon
 * and a value (`P:` name, `V:` version, `A:` architecture, `o:` origin).
 */

/** One installed package from the database. */
export interface ApkPackage {
  name: string;
  version: string;
  architecture?: string;
  /** Origin: the source package (aport) it was built from. */
  origin?: string;
}

/** Parses the database and returns every package that has a name and a version. */
export function parseApkInstalled(text: string): ApkPackage[] {
  const packages: ApkPackage[] = [];
  let current: Partial<ApkPackage> = {};
  const flush = () => {
    if (current.name && current.version) packages.push(current as ApkPackage);
    current = {};
  };

  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue;
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        current.name = value;
        break;
      case 'V':
        current.version = value;
        break;
      case 'A':
        current.architecture = value;
        break;
      case 'o':
        current.origin = value;
        break;
    }
  }
  flush();
  return packages;
}
