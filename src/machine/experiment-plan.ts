// What the experiment machine needs from an Experiment spec, derived by one pure function.
import { parseDuration } from '../resources/duration.js';
import type { ExperimentSpec } from '../resources/experiment.js';

/** Argo's defaults (utils/defaults): a template runs one pod; 600 s to become available; 30 s before scale-down. */
export const EXPERIMENT_DEFAULTS = { replicas: 1, progressDeadlineSeconds: 600, scaleDownDelaySeconds: 30 } as const;

export interface ExperimentPlan {
  templates: Array<{ name: string; replicas: number }>;
  analyses: Array<{ name: string; requiredForCompletion: boolean }>;
  /** Absent: the experiment runs until its required analyses finish, or until terminated. */
  durationMs?: number;
  progressDeadlineSeconds: number;
  scaleDownDelaySeconds: number;
}

export function experimentPlan(spec: ExperimentSpec): ExperimentPlan {
  const plan: ExperimentPlan = {
    templates: spec.templates.map((t) => ({ name: t.name, replicas: t.replicas ?? EXPERIMENT_DEFAULTS.replicas })),
    analyses: (spec.analyses ?? []).map((a) => ({ name: a.name, requiredForCompletion: a.requiredForCompletion === true })),
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? EXPERIMENT_DEFAULTS.progressDeadlineSeconds,
    scaleDownDelaySeconds: spec.scaleDownDelaySeconds ?? EXPERIMENT_DEFAULTS.scaleDownDelaySeconds,
  };
  if (spec.duration !== undefined) plan.durationMs = parseDuration(spec.duration);
  return plan;
}
