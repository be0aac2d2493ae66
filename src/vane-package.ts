// Where Vane's own package is (package.json, crds/, examples/) and what version it is, whether the program runs from
// src/ (tsx), from dist/ (built, in the image at /app) or from a build elsewhere inside the repository (the tests').
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

/** The nearest directory above this module whose package.json is Vane's. */
export function vanePackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (readPackage(dir)?.name === 'vane') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Vane package root');
    dir = parent;
  }
}

function readPackage(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function readVersion(): string {
  try {
    const { version } = readPackage(vanePackageRoot()) ?? {};
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VANE_VERSION: string = readVersion();

/** Names Vane in the API server's audit log and request metrics, as kubectl does: `vane/0.1.0 (linux/x64) node/v20.19.0`. */
export const VANE_USER_AGENT = `vane/${VANE_VERSION} (${process.platform}/${process.arch}) node/${process.version}`;
