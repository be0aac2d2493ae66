// Builds the dashboard's browser files (app.js, app.css, index.html) with esbuild, for the server to serve from the
// package: bundled at build time, no CDN, with the licences of the bundled libraries shipped beside the code.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Message, type Metafile } from 'esbuild';
import { VaneError } from '../errors.js';

const APP_DIR = fileURLToPath(new URL('./app/', import.meta.url));
const ROOT_DIR = resolve(APP_DIR, '../../..');
/** Where `npm run build:dashboard` writes, relative to the package root. */
export const DEFAULT_DASHBOARD_DIR = 'dist/dashboard';
/** The licence texts of every npm package bundled into app.js or app.css. */
export const LICENSES_FILE = 'third-party-licenses.txt';

/** No timestamps and no absolute paths in the output, so the same sources give the same bytes. */
function options(outDir: string): BuildOptions {
  return {
    absWorkingDir: ROOT_DIR,
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    minify: true,
    sourcemap: false,
    // Comments a library marks as legal (uPlot's copyright) stay at the end of the file; full texts in LICENSES_FILE.
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'silent',
    outdir: outDir,
    write: true,
    metafile: true,
  };
}

/** Writes app.js, app.css, index.html and the bundled libraries' licences into outDir. */
export async function buildDashboard(outDir: string): Promise<void> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  let inputs: string[];
  try {
    const js = await build({ ...options(dir), entryPoints: { app: join(APP_DIR, 'main.tsx') }, tsconfig: join(APP_DIR, 'tsconfig.json') });
    const css = await build({ ...options(dir), entryPoints: { app: join(APP_DIR, 'styles.css') } });
    inputs = [...inputsOf(js.metafile), ...inputsOf(css.metafile)];
  } catch (err) {
    throw new VaneError('Internal', `the dashboard could not be bundled:\n${describeFailure(err)}`, { cause: err });
  }
  await copyFile(join(APP_DIR, 'index.html'), join(dir, 'index.html'));
  await writeFile(join(dir, LICENSES_FILE), await licenceTexts(bundledPackages(inputs)));
}

function inputsOf(metafile: Metafile | undefined): string[] {
  return Object.keys(metafile?.inputs ?? {});
}

/** The npm packages whose files went into the bundle, sorted (`node_modules/uplot/dist/uPlot.esm.js` → `uplot`). */
export function bundledPackages(inputs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const input of inputs) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return [...names].sort();
}

async function licenceTexts(packages: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const name of packages) {
    const dir = join(ROOT_DIR, 'node_modules', name);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: string; license?: string };
    const text = await firstFile(dir, ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE']);
    if (text === undefined) throw new VaneError('Internal', `the dashboard bundles ${name}, which ships no LICENSE file to copy`);
    parts.push(`${name} ${manifest.version ?? ''} (${manifest.license ?? 'see below'})\n\n${text.trim()}\n`);
  }
  return `The Vane dashboard (app.js, app.css) bundles these packages:\n\n${parts.join('\n---\n\n')}`;
}

async function firstFile(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      // Try the next spelling.
    }
  }
  return undefined;
}

function describeFailure(err: unknown): string {
  const errors = (err as { errors?: Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return err instanceof Error ? err.message : String(err);
  return errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`).join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? DEFAULT_DASHBOARD_DIR;
  buildDashboard(outDir).then(
    () => console.log(`dashboard bundled into ${outDir}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
