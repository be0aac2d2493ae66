// `vane import` over a set of inputs: each document converted (Argo Rollouts objects, Flagger Canaries), folded in
// or passed through, and every written Vane manifest checked by `vane lint`'s own validation, so what Vane would
// reject is reported by field path instead of written.
import yaml from 'js-yaml';
import { lintSources } from '../cli/lint-command.js';
import type { LintInput } from '../cli/lint-inputs.js';
import { ARGO_API_VERSION, convertArgoDocument, isArgoDocument } from './argo-import.js';
import { convertCanary, FLAGGER_API_VERSION, isFlaggerCanary, type FlaggerContext } from './flagger-import.js';
import type { MetricTemplateSpec } from './flagger-metrics.js';
import type { ImportEntry, ImportReport } from './import-report.js';

export interface ImportOptions {
  /** Flagger's `-mesh-provider`, for Canaries without spec.provider. */
  meshProvider?: string;
  /** Flagger's `-metrics-server`, where the builtin metrics are queried. */
  prometheusAddress?: string;
}

/** Flagger's default `-metrics-server`. */
export const DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus:9090';

export interface ImportedFile {
  source: string;
  documents: unknown[];
}

export interface ImportResult {
  files: ImportedFile[];
  report: ImportReport;
}

interface InputDocument {
  source: string;
  document: number;
  doc: Record<string, unknown>;
  entry: ImportEntry;
  /** What is written in its place; undefined: the document itself, unchanged. */
  output?: Array<Record<string, unknown>>;
  /** For a Canary: the Deployment and MetricTemplates it folded in. */
  replaces?: string;
  uses?: string[];
}

export function importManifests(inputs: readonly LintInput[], options: ImportOptions = {}): ImportResult {
  const entries: ImportEntry[] = [];
  const parsed: InputDocument[] = [];
  for (const input of inputs) {
    const docs = parse(input, entries);
    docs.forEach((doc, i) => {
      const entry = newEntry(input.source, i + 1, doc);
      entries.push(entry);
      parsed.push({ source: input.source, document: i + 1, doc, entry });
    });
  }
  const context = flaggerContext(parsed, options);
  for (const item of parsed) convert(item, context);
  rejectWhatLintRejects(parsed);
  settleFoldedDocuments(parsed);
  return { files: outputFiles(inputs, parsed), report: { entries } };
}

/** The documents of one input; a file that is not YAML is one `invalid` entry. */
function parse(input: LintInput, entries: ImportEntry[]): Array<Record<string, unknown>> {
  try {
    const docs = yaml.loadAll(input.text).filter((d) => d !== null && d !== undefined);
    const notObject = docs.findIndex((d) => typeof d !== 'object' || Array.isArray(d));
    if (notObject >= 0) throw new Error(`document ${notObject + 1} is not a mapping`);
    return docs as Array<Record<string, unknown>>;
  } catch (err) {
    const reason = (err as { reason?: string }).reason ?? (err as Error).message.split('\n')[0] ?? '';
    entries.push({ source: input.source, document: 0, resource: '(file)', outcome: 'invalid', produced: [], changes: [], problems: [`not valid YAML: ${reason}`] });
    return [];
  }
}

function newEntry(source: string, document: number, doc: Record<string, unknown>): ImportEntry {
  return { source, document, resource: resourceName(doc), outcome: 'passed-through', produced: [], changes: [], problems: [] };
}

function resourceName(doc: Record<string, unknown>): string {
  const name = (doc['metadata'] as { name?: unknown } | undefined)?.name;
  return `${String(doc['kind'] ?? '(no kind)')}/${typeof name === 'string' ? name : '(unnamed)'}`;
}

function key(doc: Record<string, unknown>): string {
  const metadata = (doc['metadata'] ?? {}) as { name?: string; namespace?: string };
  return `${metadata.namespace ?? 'default'}/${metadata.name ?? ''}`;
}

function flaggerContext(parsed: readonly InputDocument[], options: ImportOptions): FlaggerContext {
  const deployments = new Map<string, Record<string, unknown>>();
  const metricTemplates = new Map<string, MetricTemplateSpec>();
  for (const { doc } of parsed) {
    if (doc['apiVersion'] === 'apps/v1' && doc['kind'] === 'Deployment') deployments.set(key(doc), doc);
    if (doc['apiVersion'] === FLAGGER_API_VERSION && doc['kind'] === 'MetricTemplate') metricTemplates.set(key(doc), (doc['spec'] ?? {}) as MetricTemplateSpec);
  }
  return {
    deployments,
    metricTemplates,
    prometheusAddress: options.prometheusAddress ?? DEFAULT_PROMETHEUS_ADDRESS,
    ...(options.meshProvider === undefined ? {} : { meshProvider: options.meshProvider }),
  };
}

function convert(item: InputDocument, context: FlaggerContext): void {
  const { doc, entry } = item;
  if (isArgoDocument(doc)) {
    const conversion = convertArgoDocument(doc);
    entry.changes.push(...conversion.changes);
    if (conversion.problems.length > 0) {
      notConverted(item, conversion.problems);
      return;
    }
    produce(item, [conversion.doc]);
  } else if (isFlaggerCanary(doc)) {
    const conversion = convertCanary(doc, context);
    entry.changes.push(...conversion.changes);
    entry.problems.push(...conversion.problems);
    if (conversion.refused !== undefined || conversion.documents.length === 0) {
      notConverted(item, conversion.refused === undefined ? [] : [conversion.refused]);
      return;
    }
    produce(item, conversion.documents);
    if (conversion.replacedDeployment !== undefined) item.replaces = conversion.replacedDeployment;
    item.uses = conversion.usedTemplates;
  } else if (doc['apiVersion'] === FLAGGER_API_VERSION && doc['kind'] !== 'MetricTemplate') {
    // MetricTemplates are settled once it is known which Canaries used them; other Flagger kinds have no Vane twin.
    notConverted(item, ['Vane has no equivalent of this Flagger kind']);
  } else if (doc['apiVersion'] === ARGO_API_VERSION) {
    notConverted(item, [`${String(doc['kind'])} is not an Argo Rollouts kind import converts`]);
  }
}

function produce(item: InputDocument, documents: Array<Record<string, unknown>>): void {
  item.output = documents;
  item.entry.outcome = 'converted';
  item.entry.produced = documents.map(resourceName);
}

function notConverted(item: InputDocument, problems: string[]): void {
  item.output = [];
  item.entry.outcome = 'not-converted';
  item.entry.produced = [];
  item.entry.problems.push(...problems);
}

/**
 * Lints every written Vane manifest together (a Rollout's gates are checked against the templates beside it); a
 * conversion with any manifest lint rejects is withdrawn whole and reported by path, then the rest is linted again,
 * since withdrawing a template can change what its Rollout's check says.
 */
function rejectWhatLintRejects(parsed: readonly InputDocument[]): void {
  for (;;) {
    const written = parsed.filter((item) => item.entry.outcome === 'converted' && item.output !== undefined);
    const inputs: LintInput[] = written.flatMap((item, i) =>
      (item.output ?? []).map((doc, k) => ({ source: `${i}#${k}`, text: yaml.dump(doc, { noRefs: true }) })),
    );
    const findings = lintSources(inputs).findings;
    if (findings.length === 0) return;
    for (const finding of findings) {
      const item = written[Number(finding.file.split('#')[0])] as InputDocument;
      const problems = finding.errors.map((e) => describeLintError(finding.resource, e.path, e.message));
      if (item.entry.outcome === 'converted') notConverted(item, []);
      item.entry.problems.push(...problems);
    }
  }
}

function describeLintError(resource: string, path: string, message: string): string {
  if (path === '' && message.includes('is not a Vane kind')) return `${resource.split('/')[0] ?? ''} is not a kind this Vane knows`;
  return `${path === '' ? '' : `${path}: `}${message}${resource.startsWith('Rollout/') || !resource.includes('/') ? '' : ` (in the written ${resource})`}`;
}

/** Deployments and MetricTemplates folded into a converted Canary are not written again; unused MetricTemplates are reported. */
function settleFoldedDocuments(parsed: readonly InputDocument[]): void {
  const converted = parsed.filter((item) => item.entry.outcome === 'converted');
  const replaced = new Map(converted.flatMap((item) => (item.replaces === undefined ? [] : [[item.replaces, item.entry.resource] as const])));
  const used = new Set(converted.flatMap((item) => item.uses ?? []));
  for (const item of parsed) {
    const { doc, entry } = item;
    if (doc['apiVersion'] === 'apps/v1' && doc['kind'] === 'Deployment' && replaced.has(key(doc))) {
      item.output = [];
      entry.outcome = 'consumed';
      entry.changes.push(`its pod template is in the Rollout converted from ${replaced.get(key(doc)) ?? ''}; the Deployment is not written`);
    } else if (doc['apiVersion'] === FLAGGER_API_VERSION && doc['kind'] === 'MetricTemplate') {
      if (used.has(key(doc))) {
        item.output = [];
        entry.outcome = 'consumed';
        entry.changes.push('its query is in the AnalysisTemplate of each Canary that uses it');
      } else {
        notConverted(item, ['no converted Canary of the input uses it, and Vane has no MetricTemplate kind']);
      }
    }
  }
}

function outputFiles(inputs: readonly LintInput[], parsed: readonly InputDocument[]): ImportedFile[] {
  return inputs.map((input) => ({
    source: input.source,
    documents: parsed.filter((item) => item.source === input.source).flatMap((item) => item.output ?? [item.doc]),
  }));
}
