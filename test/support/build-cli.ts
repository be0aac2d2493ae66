// Vitest global setup: builds the `vane` binary once per run, so CLI tests execute the compiled program users get, and
// the dashboard bundle the browser tests load.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildDashboard } from '../../src/dashboard/bundle.js';

const ROOT = join(import.meta.dirname, '..', '..');
/**
 * Inside the repository, so the built program finds package.json, crds/ and node_modules as dist/ would; one
 * directory per run, so two runs at once (a developer's and an editor's) do not delete each other's build.
 */
const OUT_DIR = join(ROOT, 'node_modules', '.cache', `vane-test-dist-${process.pid}`);

export default async function setup(project: TestProject): Promise<() => void> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', OUT_DIR, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'inherit' });
  // As `npm run build` leaves it: executable, so kubectl finds it as a plugin through a kubectl-vane link.
  chmodSync(join(OUT_DIR, 'main.js'), 0o755);
  project.provide('cliMain', join(OUT_DIR, 'main.js'));
  // As `npm run build` leaves it in dist/dashboard/, served by the API server under /dashboard/.
  await buildDashboard(join(OUT_DIR, 'dashboard'));
  project.provide('dashboardDir', join(OUT_DIR, 'dashboard'));
  return () => rmSync(OUT_DIR, { recursive: true, force: true });
}
