// Analysis arguments a Rollout's gates would leave without a value, found offline: a template argument with no
// value that the gate's args do not give, and a field reference that names nothing in the Rollout. The controller
// would stop at that gate with the same complaint; lint says it before the release.
import type { FieldError } from '../resources/field-error.js';
import { fieldReferenceValue, parseFieldReference } from '../resources/field-reference.js';

type Fields = Record<string, unknown>;

/** The AnalysisTemplates and ClusterAnalysisTemplates among the linted documents. */
export class TemplateIndex {
  private readonly templates: Array<{ kind: string; name: string; namespace: string | undefined; doc: Fields }> = [];

  add(doc: Fields): void {
    const kind = doc['kind'];
    const metadata = fieldsOf(doc['metadata']);
    if ((kind !== 'AnalysisTemplate' && kind !== 'ClusterAnalysisTemplate') || typeof metadata['name'] !== 'string') return;
    const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
    this.templates.push({ kind, name: metadata['name'], namespace, doc });
  }

  /**
   * The template a gate names. A document without a namespace (a Kustomize base, a file applied with `-n`) takes
   * the namespace it is applied to, so it matches any; one in the Rollout's own namespace is preferred.
   */
  find(name: string, clusterScope: boolean, namespace: string | undefined): Fields | undefined {
    const kind = clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const named = this.templates.filter((t) => t.kind === kind && t.name === name);
    if (clusterScope) return named[0]?.doc;
    const exact = named.find((t) => t.namespace === namespace);
    return (exact ?? named.find((t) => t.namespace === undefined || namespace === undefined))?.doc;
  }
}

export interface ArgumentLint {
  errors: FieldError[];
  /** Templates a gate names that are not among the linted documents: their arguments could not be checked. */
  unchecked: string[];
}

/** Every unresolvable argument of every analysis gate of the Rollout `doc`. */
export function analysisArgumentErrors(doc: Fields, templates: TemplateIndex): ArgumentLint {
  const result: ArgumentLint = { errors: [], unchecked: [] };
  const namespace = fieldsOf(doc['metadata'])['namespace'];
  for (const gate of analysisGates(doc)) checkGate(doc, gate, typeof namespace === 'string' ? namespace : undefined, templates, result);
  return result;
}

interface Gate {
  path: string;
  analysis: Fields;
}

/** Each place a Rollout runs analysis: canary steps and background analysis, blue-green pre and post promotion. */
function analysisGates(doc: Fields): Gate[] {
  const strategy = fieldsOf(fieldsOf(doc['spec'])['strategy']);
  const canary = fieldsOf(strategy['canary']);
  const blueGreen = fieldsOf(strategy['blueGreen']);
  const gates: Gate[] = [];
  listOf(canary['steps']).forEach((step, i) => {
    const analysis = fieldsOf(step)['analysis'];
    if (isFields(analysis)) gates.push({ path: `spec.strategy.canary.steps[${i}].analysis`, analysis });
  });
  if (isFields(canary['analysis'])) gates.push({ path: 'spec.strategy.canary.analysis', analysis: canary['analysis'] });
  for (const key of ['prePromotionAnalysis', 'postPromotionAnalysis']) {
    const analysis = blueGreen[key];
    if (isFields(analysis)) gates.push({ path: `spec.strategy.blueGreen.${key}`, analysis });
  }
  return gates;
}

function checkGate(rollout: Fields, gate: Gate, namespace: string | undefined, templates: TemplateIndex, result: ArgumentLint): void {
  const given = new Set<string>();
  listOf(gate.analysis['args']).forEach((value, i) => {
    const arg = fieldsOf(value);
    if (typeof arg['name'] === 'string') given.add(arg['name']);
    const problem = fieldRefProblem(rollout, arg);
    if (problem !== undefined) result.errors.push({ path: `${gate.path}.args[${i}].valueFrom.fieldRef.fieldPath`, message: problem });
  });
  for (const ref of listOf(gate.analysis['templates']).map(fieldsOf)) {
    const name = ref['templateName'];
    if (typeof name !== 'string') continue;
    const clusterScope = ref['clusterScope'] === true;
    const kind = clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const template = templates.find(name, clusterScope, namespace);
    if (template === undefined) {
      result.unchecked.push(`${kind} ${name}`);
      continue;
    }
    for (const arg of listOf(fieldsOf(template['spec'])['args']).map(fieldsOf)) {
      const problem = templateArgProblem(rollout, arg, given);
      if (problem !== undefined) result.errors.push({ path: gate.path, message: `${kind} ${name}: argument ${JSON.stringify(arg['name'])} ${problem}` });
    }
  }
}

/** Why the template's argument would have no value at this gate, if it would not. */
function templateArgProblem(rollout: Fields, arg: Fields, given: ReadonlySet<string>): string | undefined {
  if (typeof arg['name'] !== 'string' || given.has(arg['name']) || arg['value'] !== undefined) return undefined;
  const from = fieldsOf(arg['valueFrom']);
  if (from['secretKeyRef'] !== undefined) return undefined;
  if (from['fieldRef'] !== undefined) {
    const problem = fieldRefProblem(rollout, arg);
    return problem === undefined ? undefined : `has no value: fieldRef ${String(fieldsOf(from['fieldRef'])['fieldPath'])}: ${problem}`;
  }
  return 'has no value: give it in this gate\'s args';
}

/**
 * Why `arg`'s field reference names nothing in the Rollout as written. The name is required and the namespace
 * and uid are filled in when the Rollout is created, so those always resolve; an unsupported path is the
 * Rollout's or the template's own validation error, not repeated here.
 */
function fieldRefProblem(rollout: Fields, arg: Fields): string | undefined {
  const fieldPath = fieldsOf(fieldsOf(arg['valueFrom'])['fieldRef'])['fieldPath'];
  if (typeof fieldPath !== 'string') return undefined;
  const reference = parseFieldReference(fieldPath);
  if ('problem' in reference || reference.kind === 'metadata') return undefined;
  const resolved = fieldReferenceValue(rollout, reference);
  return 'problem' in resolved ? resolved.problem : undefined;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldsOf(value: unknown): Fields {
  return isFields(value) ? value : {};
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
