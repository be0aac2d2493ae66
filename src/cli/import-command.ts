// `vane import -f FILE|DIR|-`: converts Argo Rollouts and Flagger manifests into Vane's, writing them to standard
// output or a folder and a summary to standard error; exit 0 all converted, 2 something not converted, 1 bad input.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Command } from 'commander';
import yaml from 'js-yaml';
import { importManifests, DEFAULT_PROMETHEUS_ADDRESS, type ImportedFile } from '../import/import-manifests.js';
import { formatImportReport, importExitCode, IMPORT_EXIT } from '../import/import-report.js';
import { readLintInputs, readStandardInput, STDIN_SOURCE } from './lint-inputs.js';

interface ImportFlags {
  filename: string[];
  recursive?: boolean;
  output?: string;
  meshProvider?: string;
  prometheusAddress: string;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('convert Argo Rollouts and Flagger manifests into Vane manifests; exit 0 all converted, 2 something not converted, 1 bad input')
    .requiredOption('-f, --filename <file...>', 'YAML or JSON file(s), multi-document allowed; a folder (its .yaml, .yml and .json files); - for standard input')
    .option('-R, --recursive', 'read the subfolders of folders given with -f too', false)
    .option('-o, --output <dir>', 'write one file per input file under this folder instead of standard output')
    .option('--mesh-provider <provider>', "Flagger's -mesh-provider: the provider of Canaries without spec.provider")
    .option('--prometheus-address <url>', "Flagger's -metrics-server: where the builtin metrics are queried", DEFAULT_PROMETHEUS_ADDRESS)
    .addHelpText('after', '\nExamples:\n  vane import -R -f argo/ -o vane/\n  kubectl get canaries -A -o yaml | vane import -f -')
    .action(async (flags: ImportFlags) => {
      process.exitCode = await runImport(flags, {
        readStdin: readStandardInput,
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    });
}

export interface ImportIo {
  readStdin: () => Promise<string>;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs an import; returns the exit code. */
export async function runImport(flags: ImportFlags, io: ImportIo): Promise<number> {
  const { inputs, problems } = await readLintInputs(flags.filename, { recursive: flags.recursive === true, readStdin: io.readStdin });
  for (const problem of problems) io.err(`vane import: ${problem}\n`);
  const options = { prometheusAddress: flags.prometheusAddress, ...(flags.meshProvider === undefined ? {} : { meshProvider: flags.meshProvider }) };
  const { files, report } = importManifests(inputs, options);
  if (flags.output === undefined) {
    io.out(files.flatMap((file) => file.documents).map(dump).join('---\n'));
  } else {
    await writeFiles(flags.output, files);
  }
  io.err(formatImportReport(report));
  return problems.length > 0 ? IMPORT_EXIT.badInput : importExitCode(report);
}

function dump(doc: unknown): string {
  return yaml.dump(doc, { noRefs: true, lineWidth: -1 });
}

/** One output file per input file, at the input's path relative to here (its name alone when outside). */
async function writeFiles(dir: string, files: readonly ImportedFile[]): Promise<void> {
  for (const file of files) {
    if (file.documents.length === 0) continue;
    const local = relative(process.cwd(), file.source);
    const name = file.source === STDIN_SOURCE ? 'stdin.yaml' : local.startsWith('..') || isAbsolute(local) ? basename(file.source) : local;
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.documents.map(dump).join('---\n'));
  }
}
