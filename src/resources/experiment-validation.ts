// Experiment validation: field types plus the rules a structural schema cannot express (unique names, selectors
// that match their templates, arguments that name templates which exist).
import { FieldChecker, childPath, indexPath, type Fields } from './field-checker.js';
import { assertNoFieldErrors, type FieldError } from './field-error.js';
import { selectorMatches } from './label-selector.js';
import { withUnsupportedArgoFields } from './argo-field-gaps.js';
import { checkResourceHeader } from './resource-header.js';
import { checkPodTemplate, checkSelector } from './rollout-validation.js';
import type { Experiment } from './experiment.js';

/** `{{templates.<name>.podTemplateHash}}` or `{{templates.<name>.replicaset.name}}` in an analysis argument. */
export const TEMPLATE_REFERENCE = /\{\{\s*templates\.([^.}\s]+)\.(podTemplateHash|replicaset\.name)\s*\}\}/g;

/** Every problem with `obj` as an Experiment; empty when it is valid. */
export function validateExperiment(obj: unknown): FieldError[] {
  const c = new FieldChecker();
  const spec = checkResourceHeader(c, obj, ['Experiment']);
  if (spec !== undefined) checkSpec(c, spec, 'spec');
  return withUnsupportedArgoFields('Experiment', obj, c.errors);
}

export function assertValidExperiment(obj: unknown): asserts obj is Experiment {
  assertNoFieldErrors('Experiment', validateExperiment(obj));
}

function checkSpec(c: FieldChecker, spec: Fields, path: string): void {
  const templatesPath = childPath(path, 'templates');
  const templates = c.list(spec.templates, templatesPath, { required: true, nonEmpty: true }) ?? [];
  templates.forEach((t, i) => checkTemplate(c, t, indexPath(templatesPath, i)));
  c.unique(templates, templatesPath, 'name');
  c.duration(spec.duration, childPath(path, 'duration'), { positive: true });
  c.integer(spec.progressDeadlineSeconds, childPath(path, 'progressDeadlineSeconds'), { min: 1 });
  c.integer(spec.scaleDownDelaySeconds, childPath(path, 'scaleDownDelaySeconds'), { min: 0 });
  c.boolean(spec.terminate, childPath(path, 'terminate'));
  const names = new Set(templates.map((t) => (t as Fields | null)?.name).filter((n): n is string => typeof n === 'string'));
  const analysesPath = childPath(path, 'analyses');
  const analyses = c.list(spec.analyses, analysesPath) ?? [];
  analyses.forEach((a, i) => checkAnalysis(c, a, indexPath(analysesPath, i), names));
  c.unique(analyses, analysesPath, 'name');
  checkMetricNames(c, spec.dryRun, childPath(path, 'dryRun'), false);
  checkMetricNames(c, spec.measurementRetention, childPath(path, 'measurementRetention'), true);
  checkRunMetadata(c, spec.analysisRunMetadata, childPath(path, 'analysisRunMetadata'));
}

/** `analysisRunMetadata`: labels and annotations for the experiment's AnalysisRuns. */
export function checkRunMetadata(c: FieldChecker, value: unknown, path: string): void {
  const metadata = c.object(value, path);
  c.stringMap(metadata?.labels, childPath(path, 'labels'));
  c.stringMap(metadata?.annotations, childPath(path, 'annotations'));
}

function checkTemplate(c: FieldChecker, value: unknown, path: string): void {
  const template = c.object(value, path, { required: true });
  if (template === undefined) return;
  c.name(template.name, childPath(path, 'name'), 'dns1123Label', { required: true });
  c.integer(template.replicas, childPath(path, 'replicas'), { min: 0 });
  c.integer(template.minReadySeconds, childPath(path, 'minReadySeconds'), { min: 0 });
  checkTemplateService(c, template.service, childPath(path, 'service'));
  const selector = checkSelector(c, template.selector, childPath(path, 'selector'));
  const labels = checkPodTemplate(c, template.template, childPath(path, 'template'));
  if (selector !== undefined && labels !== undefined && !selectorMatches(selector, labels)) {
    c.add(childPath(path, 'selector'), `does not match ${childPath(path, 'template.metadata.labels')}`);
  }
}

/** `service: {}` or `service: {name}`; the name is a Service's (DNS-1035 label). Shared with the experiment step. */
export function checkTemplateService(c: FieldChecker, value: unknown, path: string): void {
  const service = c.object(value, path);
  if (service !== undefined) c.name(service.name, childPath(path, 'name'), 'dns1035Label');
}

/** An experiment analysis's own fields; returns it with its argument list, whose items the caller checks. Shared with the step. */
export function checkAnalysisReference(c: FieldChecker, value: unknown, path: string): { args: unknown[]; argsPath: string } | undefined {
  const analysis = c.object(value, path, { required: true });
  if (analysis === undefined) return undefined;
  c.name(analysis.name, childPath(path, 'name'), 'dns1123Label', { required: true });
  c.name(analysis.templateName, childPath(path, 'templateName'), 'dns1123Subdomain', { required: true });
  c.boolean(analysis.clusterScope, childPath(path, 'clusterScope'));
  c.boolean(analysis.requiredForCompletion, childPath(path, 'requiredForCompletion'));
  const argsPath = childPath(path, 'args');
  const args = c.list(analysis.args, argsPath) ?? [];
  c.unique(args, argsPath, 'name');
  return { args, argsPath };
}

function checkAnalysis(c: FieldChecker, value: unknown, path: string, templates: ReadonlySet<string>): void {
  const reference = checkAnalysisReference(c, value, path);
  reference?.args.forEach((a, i) => checkArgument(c, a, indexPath(reference.argsPath, i), templates));
}

function checkArgument(c: FieldChecker, value: unknown, path: string, templates: ReadonlySet<string>): void {
  const arg = c.object(value, path, { required: true });
  if (arg === undefined) return;
  c.string(arg.name, childPath(path, 'name'), { required: true });
  const source = c.exactlyOne(arg, path, ['value', 'valueFrom']);
  if (source === 'valueFrom') {
    const from = c.object(arg.valueFrom, childPath(path, 'valueFrom'), { required: true });
    const ref = c.object(from?.secretKeyRef, childPath(path, 'valueFrom.secretKeyRef'), { required: true });
    if (ref !== undefined) {
      c.name(ref.name, childPath(path, 'valueFrom.secretKeyRef.name'), 'dns1123Subdomain', { required: true });
      c.string(ref.key, childPath(path, 'valueFrom.secretKeyRef.key'), { required: true });
    }
    return;
  }
  const text = c.string(arg.value, childPath(path, 'value'));
  for (const match of text?.matchAll(TEMPLATE_REFERENCE) ?? []) {
    const name = match[1] ?? '';
    if (!templates.has(name)) c.add(childPath(path, 'value'), `names template ${JSON.stringify(name)}, which spec.templates does not have`);
  }
}

function checkMetricNames(c: FieldChecker, value: unknown, path: string, withLimit: boolean): void {
  const items = c.list(value, path) ?? [];
  items.forEach((item, i) => {
    const entry = c.object(item, indexPath(path, i), { required: true });
    if (entry === undefined) return;
    c.string(entry.metricName, childPath(indexPath(path, i), 'metricName'), { required: true });
    if (withLimit) c.integer(entry.limit, childPath(indexPath(path, i), 'limit'), { required: true, min: 1 });
  });
  c.unique(items, path, 'metricName');
}
