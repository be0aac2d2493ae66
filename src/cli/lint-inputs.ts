// What `vane lint -f` reads, as kubectl reads `-f`: a file, `-` for standard input, or a folder's .yaml, .yml and
// .json files in name order (its subfolders too with --recursive).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LintInput {
  /** How findings name it: the path as given, or `<stdin>`. */
  source: string;
  text: string;
}

export interface LintInputs {
  inputs: LintInput[];
  /** One line per argument that could not be read (missing, unreadable, a folder with no manifests). */
  problems: string[];
}

export interface ReadOptions {
  recursive: boolean;
  readStdin: () => Promise<string>;
}

export const STDIN_SOURCE = '<stdin>';
const MANIFEST = /\.(ya?ml|json)$/i;

export async function readLintInputs(paths: readonly string[], options: ReadOptions): Promise<LintInputs> {
  const result: LintInputs = { inputs: [], problems: [] };
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) result.problems.push('standard input (-) given more than once');
      else result.inputs.push({ source: STDIN_SOURCE, text: await options.readStdin() });
      stdinRead = true;
      continue;
    }
    await readPath(path, options.recursive, result);
  }
  return result;
}

async function readPath(path: string, recursive: boolean, result: LintInputs): Promise<void> {
  try {
    if (!(await stat(path)).isDirectory()) {
      result.inputs.push({ source: path, text: await readFile(path, 'utf8') });
      return;
    }
    const files = await manifestFiles(path, recursive);
    if (files.length === 0) result.problems.push(`${path}: no .yaml, .yml or .json files${recursive ? '' : ' (--recursive reads its subfolders)'}`);
    for (const file of files) result.inputs.push({ source: file, text: await readFile(file, 'utf8') });
  } catch (err) {
    result.problems.push(`cannot read ${path}: ${(err as Error).message}`);
  }
}

async function manifestFiles(dir: string, recursive: boolean): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...(await manifestFiles(path, recursive)));
    } else if (MANIFEST.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** All of standard input as UTF-8. */
export async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
