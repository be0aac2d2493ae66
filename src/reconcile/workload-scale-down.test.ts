// workloadRef.scaleDown as Argo's migration guide describes it (docs/migrating.md): never, onsuccess, progressively.
import { describe, expect, it } from 'vitest';
import type { Rollout, WorkloadRef } from '../resources/rollout.js';
import { deploymentTarget, type MigrationState } from './workload-scale-down.js';

function rollout(scaleDown?: WorkloadRef['scaleDown']): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web' },
    spec: { replicas: 5, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', ...(scaleDown ? { scaleDown } : {}) }, strategy: { canary: {} } },
  };
}

const rising: MigrationState = { phase: 'Progressing', replicas: 5, readyReplicas: 2, revisions: 1 };
const healthy: MigrationState = { phase: 'Healthy', replicas: 5, readyReplicas: 5, revisions: 1 };

describe('deploymentTarget', () => {
  it('given never (or no scaleDown), then the Deployment is left alone, healthy or not', () => {
    expect(deploymentTarget(rollout('never'), healthy)).toBeUndefined();
    expect(deploymentTarget(rollout(), healthy)).toBeUndefined();
  });

  it('given onsuccess, then nothing while the Rollout comes up, and 0 once it is Healthy', () => {
    expect(deploymentTarget(rollout('onsuccess'), rising)).toBeUndefined();
    expect(deploymentTarget(rollout('onsuccess'), healthy)).toBe(0);
  });

  it("given progressively, then the Deployment keeps what the Rollout's ready pods do not yet cover, and 0 once Healthy", () => {
    expect(deploymentTarget(rollout('progressively'), rising)).toBe(3);
    expect(deploymentTarget(rollout('progressively'), { ...rising, readyReplicas: 0 })).toBeUndefined();
    expect(deploymentTarget(rollout('progressively'), healthy)).toBe(0);
  });

  it('given a Rollout past its first revision, then the Deployment is no longer touched (the migration is over)', () => {
    expect(deploymentTarget(rollout('onsuccess'), { ...healthy, revisions: 2 })).toBeUndefined();
  });
});
