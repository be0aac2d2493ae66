// Checks of a canary `experiment` step (Argo docs features/canary.md, features/experiment.md): its templates point at
// the Rollout's stable or canary pod template, its analyses name templates and arguments the Experiment can resolve.
import { childPath, indexPath, type FieldChecker, type Fields } from './field-checker.js';
import { checkAnalysisReference, checkRunMetadata, checkTemplateService, TEMPLATE_REFERENCE } from './experiment-validation.js';
import { checkSelector } from './rollout-validation.js';

type ArgumentCheck = (c: FieldChecker, value: unknown, path: string) => void;

/** `weightRefused`: why the Rollout's traffic routing cannot carry a template's `weight` (undefined: it can). */
export function checkExperimentStep(c: FieldChecker, value: unknown, path: string, checkArgument: ArgumentCheck, weightRefused?: string): void {
  const step = c.object(value, path, { required: true });
  if (step === undefined) return;
  c.duration(step.duration, childPath(path, 'duration'), { positive: true });
  c.integer(step.scaleDownDelaySeconds, childPath(path, 'scaleDownDelaySeconds'), { min: 0 });
  const templatesPath = childPath(path, 'templates');
  const templates = c.list(step.templates, templatesPath, { required: true, nonEmpty: true }) ?? [];
  templates.forEach((t, i) => checkTemplate(c, t, indexPath(templatesPath, i), weightRefused));
  c.unique(templates, templatesPath, 'name');
  const names = new Set(templates.map((t) => (t as Fields | null)?.name).filter((n): n is string => typeof n === 'string'));
  const analysesPath = childPath(path, 'analyses');
  const analyses = c.list(step.analyses, analysesPath) ?? [];
  analyses.forEach((a, i) => checkAnalysis(c, a, indexPath(analysesPath, i), names, checkArgument));
  c.unique(analyses, analysesPath, 'name');
  const dryRunPath = childPath(path, 'dryRun');
  const dryRun = c.list(step.dryRun, dryRunPath) ?? [];
  dryRun.forEach((d, i) => c.string(c.object(d, indexPath(dryRunPath, i), { required: true })?.metricName, childPath(indexPath(dryRunPath, i), 'metricName'), { required: true }));
  checkRunMetadata(c, step.analysisRunMetadata, childPath(path, 'analysisRunMetadata'));
}

function checkTemplate(c: FieldChecker, value: unknown, path: string, weightRefused: string | undefined): void {
  const template = c.object(value, path, { required: true });
  if (template === undefined) return;
  const weight = c.integer(template.weight, childPath(path, 'weight'), { min: 0, max: 100 });
  if (weight !== undefined && weightRefused !== undefined) c.add(childPath(path, 'weight'), weightRefused);
  checkTemplateService(c, template.service, childPath(path, 'service'));
  c.name(template.name, childPath(path, 'name'), 'dns1123Label', { required: true });
  c.oneOf(template.specRef, childPath(path, 'specRef'), ['stable', 'canary'], { required: true });
  c.integer(template.replicas, childPath(path, 'replicas'), { min: 0 });
  const metadata = c.object(template.metadata, childPath(path, 'metadata'));
  c.stringMap(metadata?.labels, childPath(path, 'metadata.labels'));
  c.stringMap(metadata?.annotations, childPath(path, 'metadata.annotations'));
  if (template.selector !== undefined) checkSelector(c, template.selector, childPath(path, 'selector'));
}

function checkAnalysis(c: FieldChecker, value: unknown, path: string, templates: ReadonlySet<string>, checkArgument: ArgumentCheck): void {
  const reference = checkAnalysisReference(c, value, path);
  reference?.args.forEach((a, i) => {
    const argPath = indexPath(reference.argsPath, i);
    checkArgument(c, a, argPath);
    const text = (a as Fields | null)?.value;
    if (typeof text !== 'string') return;
    for (const match of text.matchAll(TEMPLATE_REFERENCE)) {
      const name = match[1] ?? '';
      if (!templates.has(name)) c.add(childPath(argPath, 'value'), `names template ${JSON.stringify(name)}, which the step's templates do not have`);
    }
  });
}
