// Checks AnalysisTemplates when they are created or changed, so that a condition that does not compile is reported
// on the template itself (a Warning Event) before any Rollout reaches a gate that uses it.
import { checkTemplateConditions } from '../analysis/template-conditions.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { Logger } from '../logger.js';
import type { AnalysisTemplate } from '../resources/analysis.js';

export type AnalysisTemplateObject = AnalysisTemplate & KubeObject;

/** The problems with a template's conditions, each naming the template, the metric and the cause. */
export function templateProblems(template: AnalysisTemplate): string[] {
  const { kind, metadata } = template;
  const where = kind === 'ClusterAnalysisTemplate' ? `${kind} ${metadata.name}` : `${kind} ${metadata.namespace}/${metadata.name}`;
  return checkTemplateConditions(where, template.spec);
}

/** Records one Warning Event per problem and generation (a replayed check records nothing new). */
export async function reportTemplateProblems(template: AnalysisTemplateObject, events: EventRecorder, logger: Logger): Promise<void> {
  const problems = templateProblems(template);
  for (const [i, message] of problems.entries()) {
    logger.warn({ template: template.metadata.name, namespace: template.metadata.namespace }, message);
    await events.record(template, { key: `invalid-condition-${template.metadata.generation ?? 0}-${i}`, type: 'Warning', reason: 'InvalidCondition', message });
  }
}
