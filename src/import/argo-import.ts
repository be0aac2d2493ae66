// Converts one Argo Rollouts object: its apiVersion swapped to Vane's, its conditions translated from expr-lang to CEL.
import { API_VERSION } from '../resources/meta.js';
import { ExprTranslationError, translateCondition } from './expr-translation.js';

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
/** The Argo Rollouts kinds `vane import` converts; Experiment only where Vane's lint knows the kind. */
export const ARGO_KINDS = ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment'] as const;
const CONDITION_FIELDS = ['successCondition', 'failureCondition'] as const;

export interface ArgoConversion {
  doc: Record<string, unknown>;
  changes: string[];
  /** Conditions that have no CEL spelling, by path; the document is not converted when there are any. */
  problems: string[];
}

export function isArgoDocument(doc: Record<string, unknown>): boolean {
  return doc['apiVersion'] === ARGO_API_VERSION && (ARGO_KINDS as readonly unknown[]).includes(doc['kind']);
}

/**
 * A copy of `doc` under Vane's apiVersion, nothing else changed but the metrics' conditions (Argo docs analysis.md:
 * conditions are expr-lang expressions; Vane compiles CEL).
 */
export function convertArgoDocument(doc: Record<string, unknown>): ArgoConversion {
  const converted = structuredClone(doc);
  converted['apiVersion'] = API_VERSION;
  const changes: string[] = [];
  const problems: string[] = [];
  const spec = converted['spec'] as { metrics?: unknown } | undefined;
  const metrics = Array.isArray(spec?.metrics) ? (spec.metrics as unknown[]) : [];
  metrics.forEach((metric, i) => {
    if (typeof metric !== 'object' || metric === null) return;
    const fields = metric as Record<string, unknown>;
    for (const field of CONDITION_FIELDS) {
      const source = fields[field];
      if (typeof source !== 'string') continue;
      const path = `spec.metrics[${i}].${field}`;
      try {
        const translation = translateCondition(source);
        fields[field] = translation.cel;
        changes.push(...translation.changes.map((change) => `${path}: ${change}`));
      } catch (err) {
        if (!(err instanceof ExprTranslationError)) throw err;
        problems.push(`${path}: ${JSON.stringify(source)} cannot be written in CEL: ${err.message}`);
      }
    }
  });
  return { doc: converted, changes, problems };
}
