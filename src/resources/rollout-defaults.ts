// Rollout defaults, applied in code rather than by the CRD so stored objects stay exactly as git has them.
import type { BlueGreenStrategy, CanaryStrategy, RollbackSpec, RolloutSpec } from './rollout.js';

export const ROLLOUT_DEFAULTS = {
  replicas: 1,
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  abortScaleDownDelaySeconds: 30,
  scaleDownDelaySeconds: 30,
  autoPromotionEnabled: true,
  gitRevert: true,
  gitBranch: 'main',
  gitPath: '.',
  gitPush: 'direct',
} as const;

/** A copy of `spec` with every defaulted field filled in; fields already set are kept. */
export function withRolloutDefaults(spec: RolloutSpec): RolloutSpec {
  const copy = structuredClone(spec);
  return {
    ...copy,
    replicas: copy.replicas ?? ROLLOUT_DEFAULTS.replicas,
    revisionHistoryLimit: copy.revisionHistoryLimit ?? ROLLOUT_DEFAULTS.revisionHistoryLimit,
    progressDeadlineSeconds: copy.progressDeadlineSeconds ?? ROLLOUT_DEFAULTS.progressDeadlineSeconds,
    strategy: {
      ...copy.strategy,
      ...(copy.strategy.canary === undefined ? {} : { canary: canaryDefaults(copy.strategy.canary) }),
      ...(copy.strategy.blueGreen === undefined ? {} : { blueGreen: blueGreenDefaults(copy.strategy.blueGreen) }),
    },
    rollback: rollbackDefaults(copy.rollback ?? {}),
  };
}

function canaryDefaults(canary: CanaryStrategy): CanaryStrategy {
  return {
    ...canary,
    abortScaleDownDelaySeconds: canary.abortScaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.abortScaleDownDelaySeconds,
  };
}

function blueGreenDefaults(bg: BlueGreenStrategy): BlueGreenStrategy {
  return {
    ...bg,
    autoPromotionEnabled: bg.autoPromotionEnabled ?? ROLLOUT_DEFAULTS.autoPromotionEnabled,
    scaleDownDelaySeconds: bg.scaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.scaleDownDelaySeconds,
    abortScaleDownDelaySeconds: bg.abortScaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.abortScaleDownDelaySeconds,
  };
}

function rollbackDefaults(rollback: RollbackSpec): RollbackSpec {
  const gitRevert = rollback.gitRevert ?? ROLLOUT_DEFAULTS.gitRevert;
  if (rollback.git === undefined) return { ...rollback, gitRevert };
  const git = {
    ...rollback.git,
    branch: rollback.git.branch ?? ROLLOUT_DEFAULTS.gitBranch,
    path: rollback.git.path ?? ROLLOUT_DEFAULTS.gitPath,
    push: rollback.git.push ?? ROLLOUT_DEFAULTS.gitPush,
  };
  return { ...rollback, gitRevert, git };
}
