// Prints a Rollout's progress as one line per change: time, phase, step, weight, replicas per revision, message.
import type { ReplicaSetObject } from '../resources/replica-set.js';
import type { Rollout } from '../resources/rollout.js';
import { stepColumn } from '../resources/step-label.js';

export class Timeline {
  private last = '';
  private readonly started = Date.now();

  constructor(private readonly write: (line: string) => void) {}

  /** Prints a line when anything shown changed since the previous one. */
  observe(rollout: Rollout, replicaSets: ReplicaSetObject[]): void {
    const status = rollout.status ?? {};
    const steps = rollout.spec.strategy.canary?.steps?.length ?? 0;
    const step = stepColumn(status.currentStepIndex, steps);
    const weight = status.canary?.weights ? `${status.canary.weights.canary}%` : '-';
    const pods = replicaSets
      .filter((rs) => (rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0)
      .map((rs) => {
        const hash = rs.metadata.labels?.['rollouts-pod-template-hash'] ?? '?';
        const role = hash === status.stableRS ? 'stable' : 'canary';
        return `${role} ${hash.slice(0, 6)} ${rs.status?.availableReplicas ?? 0}/${rs.spec?.replicas ?? 0}`;
      })
      .sort()
      .join(', ');
    const line = `${(status.phase ?? 'Pending').padEnd(11)} step ${step.padEnd(5)} weight ${weight.padEnd(5)} pods [${pods}]  ${status.message ?? ''}`;
    if (line === this.last) return;
    this.last = line;
    this.note(line);
  }

  /** Prints a line at the current time: an observed change, or what happened beside the Rollout (git, analysis). */
  note(text: string): void {
    this.write(`+${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)}s  ${text}`);
  }
}
