// `vane lint -f FILE`: offline validation of Rollout and analysis manifests, printing each problem with its field
// path; exit 1 when any document is invalid.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import yaml from 'js-yaml';
import { CONDITION_FIELDS, conditionProblem } from '../analysis/template-conditions.js';
import type { Metric } from '../resources/analysis.js';
import { validateAnalysisRun, validateAnalysisTemplate, validateClusterAnalysisTemplate } from '../resources/analysis-template-validation.js';
import type { FieldError } from '../resources/field-error.js';
import { validateRollout } from '../resources/rollout-validation.js';
import { API_VERSION } from '../resources/meta.js';

const VALIDATORS: Record<string, (obj: unknown) => FieldError[]> = {
  Rollout: validateRollout,
  AnalysisTemplate: withConditions(validateAnalysisTemplate),
  ClusterAnalysisTemplate: withConditions(validateClusterAnalysisTemplate),
  AnalysisRun: withConditions(validateAnalysisRun),
};

/** Schema-level checks first; on a structurally valid object, also compile every CEL condition. */
function withConditions(validate: (obj: unknown) => FieldError[]): (obj: unknown) => FieldError[] {
  return (obj) => {
    const errors = validate(obj);
    if (errors.length > 0) return errors;
    const metrics = (obj as { spec: { metrics: Metric[] } }).spec.metrics;
    return metrics.flatMap((metric, i) =>
      CONDITION_FIELDS.flatMap((field) => {
        const problem = conditionProblem(metric, field);
        return problem ? [{ path: `spec.metrics[${i}].${field}`, message: problem }] : [];
      }),
    );
  };
}

export interface LintFinding {
  file: string;
  /** 1-based position of the document in a multi-document file. */
  document: number;
  resource: string;
  errors: FieldError[];
}

export interface LintReport {
  checked: number;
  skipped: number;
  findings: LintFinding[];
}

export function registerLintCommand(program: Command): void {
  program
    .command('lint')
    .description(`validate ${Object.keys(VALIDATORS).join(', ')} manifests offline; exit 1 on errors`)
    .requiredOption('-f, --filename <file...>', 'YAML or JSON file(s), multi-document allowed')
    .action(async (flags: { filename: string[] }) => {
      const report = await lintFiles(flags.filename);
      process.stdout.write(formatLintReport(report));
      if (report.findings.length > 0) process.exitCode = 1;
    });
}

export async function lintFiles(files: readonly string[]): Promise<LintReport> {
  const report: LintReport = { checked: 0, skipped: 0, findings: [] };
  for (const file of files) lintText(file, await readFile(file, 'utf8'), report);
  return report;
}

/** Lints every document of one file into `report`; a document that does not parse is a finding, not a crash. */
export function lintText(file: string, text: string, report: LintReport): void {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text);
  } catch (err) {
    report.findings.push({ file, document: 1, resource: '(file)', errors: [{ path: '', message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` }] });
    return;
  }
  documents.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const kind = (doc as { kind?: unknown }).kind;
    const apiVersion = (doc as { apiVersion?: unknown }).apiVersion;
    const validate = typeof kind === 'string' && apiVersion === API_VERSION ? VALIDATORS[kind] : undefined;
    if (!validate) {
      report.skipped++;
      return;
    }
    report.checked++;
    const errors = validate(doc);
    if (errors.length > 0) report.findings.push({ file, document: i + 1, resource: `${kind}/${nameOf(doc)}`, errors });
  });
}

export function formatLintReport(report: LintReport): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    for (const error of finding.errors) {
      lines.push(`${finding.file}#${finding.document} ${finding.resource}: ${error.path ? `${error.path}: ` : ''}${error.message}`);
    }
  }
  const invalid = report.findings.length;
  const skipped = report.skipped > 0 ? `, ${report.skipped} other document(s) skipped` : '';
  lines.push(invalid === 0 ? `${report.checked} resource(s) valid${skipped}` : `${invalid} of ${report.checked} resource(s) invalid${skipped}`);
  return `${lines.join('\n')}\n`;
}

function nameOf(doc: unknown): string {
  const name = (doc as { metadata?: { name?: unknown } }).metadata?.name;
  return typeof name === 'string' ? name : '(unnamed)';
}
