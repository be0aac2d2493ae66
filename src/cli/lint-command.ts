// `vane lint -f FILE|DIR|-`: offline validation of Rollout, analysis and notifier manifests, printing every problem of every
// document with its field path (unknown fields, schema and semantic errors, conditions that do not compile,
// analysis arguments a gate would leave without a value); exit 1 when any document is invalid.
import type { Command } from 'commander';
import yaml from 'js-yaml';
import { CONDITION_FIELDS, conditionProblem } from '../analysis/template-conditions.js';
import type { Metric } from '../resources/analysis.js';
import { validateAnalysisRun, validateAnalysisTemplate, validateClusterAnalysisTemplate } from '../resources/analysis-template-validation.js';
import { schemaForKind, type VaneKind } from '../resources/crd-manifests.js';
import { validateExperiment } from '../resources/experiment-validation.js';
import type { FieldError } from '../resources/field-error.js';
import { API_VERSION, GROUP } from '../resources/meta.js';
import { validateClusterNotifier, validateNotifier } from '../resources/notifier-validation.js';
import { validateRollout } from '../resources/rollout-validation.js';
import { validateObject } from '../sandbox/schema/structural-schema.js';
import { analysisArgumentErrors, TemplateIndex } from './lint-analysis-arguments.js';
import { readLintInputs, readStandardInput, type LintInput } from './lint-inputs.js';
import { unknownFields } from './lint-unknown-fields.js';

const VALIDATORS: Record<VaneKind, (obj: unknown) => FieldError[]> = {
  Rollout: validateRollout,
  AnalysisTemplate: withConditions(validateAnalysisTemplate),
  ClusterAnalysisTemplate: withConditions(validateClusterAnalysisTemplate),
  AnalysisRun: withConditions(validateAnalysisRun),
  Experiment: validateExperiment,
  Notifier: validateNotifier,
  ClusterNotifier: validateClusterNotifier,
};
const KINDS = Object.keys(VALIDATORS) as VaneKind[];

/** Semantic checks, and on metrics that are well formed, a compile of every CEL condition. */
function withConditions(validate: (obj: unknown) => FieldError[]): (obj: unknown) => FieldError[] {
  return (obj) => {
    const errors = validate(obj);
    const metrics = (obj as { spec?: { metrics?: unknown } }).spec?.metrics;
    if (!Array.isArray(metrics)) return errors;
    const conditions = metrics.flatMap((metric: Metric, i) => {
      const path = `spec.metrics[${i}]`;
      if (typeof metric !== 'object' || metric === null || errors.some((e) => e.path.startsWith(`${path}.`))) return [];
      return CONDITION_FIELDS.flatMap((field) => {
        const problem = conditionProblem(metric, field);
        return problem ? [{ path: `${path}.${field}`, message: problem }] : [];
      });
    });
    return [...errors, ...conditions];
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
  /** Said but not failing: what lint could not check with the documents it was given. */
  notes: string[];
}

interface LintOptions {
  filename: string[];
  recursive?: boolean;
}

export function registerLintCommand(program: Command): void {
  program
    .command('lint')
    .description(`validate ${KINDS.join(', ')} manifests offline, reporting every problem; exit 1 on errors`)
    .requiredOption('-f, --filename <file...>', 'YAML or JSON file(s), multi-document allowed; a folder (its .yaml, .yml and .json files); - for standard input')
    .option('-R, --recursive', 'read the subfolders of folders given with -f too', false)
    .addHelpText('after', '\nExample:\n  kubectl kustomize overlays/production | vane lint -f -')
    .action(async (flags: LintOptions) => {
      const { inputs, problems } = await readLintInputs(flags.filename, { recursive: flags.recursive === true, readStdin: readStandardInput });
      for (const problem of problems) process.stderr.write(`vane lint: ${problem}\n`);
      const report = lintSources(inputs);
      process.stdout.write(formatLintReport(report));
      if (report.findings.length > 0 || problems.length > 0) process.exitCode = 1;
    });
}

interface ParsedDocument {
  file: string;
  document: number;
  doc: unknown;
  /** Set when the document is not valid YAML. */
  syntaxError?: string;
}

/** Lints every document of every input; arguments are checked across them (a Rollout and its templates). */
export function lintSources(inputs: readonly LintInput[]): LintReport {
  const report: LintReport = { checked: 0, skipped: 0, findings: [], notes: [] };
  const documents = inputs.flatMap((input) => parseDocuments(input.source, input.text));
  const templates = new TemplateIndex();
  for (const { doc } of documents) if (isVaneDocument(doc)) templates.add(doc);
  const unchecked = new Set<string>();
  for (const parsed of documents) {
    const finding = lintDocument(parsed, templates, unchecked, report);
    if (finding !== undefined && finding.errors.length > 0) report.findings.push(finding);
  }
  for (const template of unchecked) report.notes.push(`${template} is not among the linted documents: the arguments its gates need were not checked`);
  return report;
}

function lintDocument(parsed: ParsedDocument, templates: TemplateIndex, unchecked: Set<string>, report: LintReport): LintFinding | undefined {
  const { file, document, doc } = parsed;
  if (parsed.syntaxError !== undefined) {
    report.checked++;
    return { file, document, resource: '(document)', errors: [{ path: '', message: parsed.syntaxError }] };
  }
  if (!isVaneDocument(doc)) {
    if (doc !== null && doc !== undefined) report.skipped++;
    return undefined;
  }
  report.checked++;
  const resource = `${String(doc['kind'])}/${nameOf(doc)}`;
  const kind = doc['kind'] as VaneKind;
  if (doc['apiVersion'] !== API_VERSION || !KINDS.includes(kind)) {
    return { file, document, resource, errors: [{ path: '', message: `${String(doc['apiVersion'])} ${String(doc['kind'])} is not a Vane kind; use apiVersion ${API_VERSION} with kind ${KINDS.join(', ')}` }] };
  }
  const errors = documentErrors(kind, doc);
  if (kind === 'Rollout') {
    const args = analysisArgumentErrors(doc, templates);
    errors.push(...args.errors);
    for (const template of args.unchecked) unchecked.add(template);
  }
  return { file, document, resource, errors };
}

/**
 * The semantic errors, then what the CRD schema adds: unknown fields (unless the semantic check already named the
 * key, as it does for an unknown step kind) and type errors at paths the semantic check did not report.
 */
function documentErrors(kind: VaneKind, doc: Record<string, unknown>): FieldError[] {
  const semantic = VALIDATORS[kind](doc);
  const schema = schemaForKind(kind);
  const unknown = unknownFields(schema, doc).filter((e) => !namedBy(semantic, e.path));
  const reported = new Set([...semantic, ...unknown].map((e) => e.path));
  const typed = validateObject(schema, doc)
    .filter((e) => !reported.has(e.path) && !unknown.some((u) => e.path.startsWith(u.path)))
    .map((e) => ({ path: e.path, message: e.body }));
  return [...unknown, ...semantic, ...typed];
}

/** Whether an error on the parent of `path` already names its last key. */
function namedBy(errors: readonly FieldError[], path: string): boolean {
  const dot = path.lastIndexOf('.');
  const parent = dot < 0 ? '' : path.slice(0, dot);
  const key = JSON.stringify(path.slice(dot + 1));
  return errors.some((e) => e.path === parent && e.message.includes(key));
}

/** Documents of a file in order, each parsed on its own, so one with broken YAML does not hide the others. */
function parseDocuments(file: string, text: string): ParsedDocument[] {
  const parsed: ParsedDocument[] = [];
  for (const chunk of splitDocuments(text)) {
    try {
      const doc: unknown = yaml.load(chunk.text);
      if (doc === null || doc === undefined) continue;
      parsed.push({ file, document: parsed.length + 1, doc });
    } catch (err) {
      const mark = (err as { mark?: { line?: number } }).mark;
      const reason = (err as { reason?: string }).reason ?? (err as Error).message.split('\n')[0];
      const line = mark?.line === undefined ? '' : ` at line ${chunk.firstLine + mark.line}`;
      parsed.push({ file, document: parsed.length + 1, doc: undefined, syntaxError: `not valid YAML${line}: ${reason}` });
    }
  }
  return parsed;
}

/**
 * The text of each document with the 1-based line it starts on. A `---` line at the start of a line always begins
 * a document in YAML (no content may sit there), so splitting there is what a YAML parser does; comments and
 * directives before a marker stay with the document after it.
 */
function splitDocuments(text: string): Array<{ text: string; firstLine: number }> {
  const lines = text.split('\n');
  const chunks: Array<{ text: string; firstLine: number }> = [];
  let start = 0;
  let hasContent = false;
  let markerSeen = false;
  lines.forEach((line, i) => {
    const marker = /^---(\s|$)/.test(line);
    if (marker && hasContent) {
      chunks.push({ text: lines.slice(start, i).join('\n'), firstLine: start + 1 });
      start = i;
      hasContent = false;
    } else if (marker && markerSeen) {
      // `---` right after `---`: the document between them is empty; the next one starts here.
      start = i;
    }
    if (marker) markerSeen = true;
    if (!/^\s*(#.*)?$/.test(line) && !/^%/.test(line) && !/^---\s*(#.*)?$/.test(line)) hasContent = true;
  });
  chunks.push({ text: lines.slice(start).join('\n'), firstLine: start + 1 });
  return chunks;
}

export function formatLintReport(report: LintReport): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    for (const error of finding.errors) {
      lines.push(`${finding.file}#${finding.document} ${finding.resource}: ${error.path ? `${error.path}: ` : ''}${error.message}`);
    }
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  const invalid = report.findings.length;
  const skipped = report.skipped > 0 ? `, ${report.skipped} other document(s) skipped` : '';
  lines.push(invalid === 0 ? `${report.checked} resource(s) valid${skipped}` : `${invalid} of ${report.checked} resource(s) invalid${skipped}`);
  return `${lines.join('\n')}\n`;
}

/** A document of Vane's API group, whatever its version and kind (a wrong one is reported, not skipped). */
function isVaneDocument(doc: unknown): doc is Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const apiVersion = (doc as { apiVersion?: unknown }).apiVersion;
  return typeof apiVersion === 'string' && apiVersion.startsWith(`${GROUP}/`);
}

function nameOf(doc: Record<string, unknown>): string {
  const name = (doc['metadata'] as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : '(unnamed)';
}
