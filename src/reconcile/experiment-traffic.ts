// Traffic to an experiment step's weighted templates (Argo docs features/experiment.md "Weighted Experiment Step
// with Traffic Routing"): while the step's Experiment is Running, the Rollout's router sends each template's `weight`
// to that template's Service, the canary keeps the last setWeight and stable gets the rest. Level-triggered: every
// pass works out the destinations wanted now and, when they or the ones last applied are not empty, sets them, so a
// step that ends, aborts or is promoted past gives its share back to stable.
import { TerminalError } from '../errors.js';
import type { RolloutView } from '../machine/rollout-view.js';
import type { Experiment } from '../resources/experiment.js';
import type { Rollout, WeightDestinationStatus } from '../resources/rollout.js';
import type { TrafficRouter, WeightDestination } from '../traffic/traffic-router.js';

/** The destinations the router should carry now: empty unless the current step's Experiment is Running. */
export function experimentDestinations(rollout: Rollout, view: RolloutView, experiments: readonly Experiment[], runName: (name: string) => string): WeightDestination[] {
  if (view.aborted || view.currentStepIndex === undefined) return [];
  const step = rollout.spec.strategy.canary?.steps?.[view.currentStepIndex];
  const run = view.analysisRuns.find((r) => r.kind === 'experiment');
  if (step === undefined || !('experiment' in step) || run === undefined) return [];
  const experiment = experiments.find((e) => e.metadata.name === runName(run.name));
  if (experiment?.status?.phase !== 'Running') return [];
  const statuses = experiment.status.templateStatuses ?? [];
  return step.experiment.templates.flatMap((t) => {
    const status = statuses.find((s) => s.name === t.name);
    if (t.weight === undefined || status?.serviceName === undefined || status.podTemplateHash === undefined) return [];
    return [{ serviceName: status.serviceName, podTemplateHash: status.podTemplateHash, weight: t.weight }];
  });
}

/**
 * Applies `wanted` (after this pass's effects, so it has the last word on the split) when it or `applied` (the
 * destinations status recorded) is not empty; returns what is in place now.
 */
export async function syncExperimentTraffic(
  router: TrafficRouter | undefined,
  view: RolloutView,
  wanted: readonly WeightDestination[],
  applied: readonly WeightDestinationStatus[],
): Promise<WeightDestination[]> {
  if (router === undefined || (wanted.length === 0 && applied.length === 0)) return [];
  if (wanted.length > 0 && router.additionalDestinations !== true) {
    throw new TerminalError(`the ${router.provider} traffic router cannot send traffic to an experiment's Services (experiment template weight)`);
  }
  await router.setWeight(view.canaryWeight, { canaryHash: view.canaryHash ?? '', stableHash: view.stableHash }, wanted);
  return [...wanted];
}
