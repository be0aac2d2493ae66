// The Argo-shaped status fields derived from a machine view (Argo's pkg/apis/rollouts/v1alpha1 RolloutStatus).
import { describe, expect, it } from 'vitest';
import type { RolloutView } from '../machine/rollout-view.js';
import type { AnalysisRun } from '../resources/analysis.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';
import type { Rollout } from '../resources/rollout.js';
import { argoStatusFields, canaryRunStatuses, scaleStatus, stepHash, type ArgoStatusInput } from './argo-status.js';

const canary: Rollout = {
  apiVersion: 'vane.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'ns' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy: { canary: { steps: [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 't' }] } }] } } },
};

const view: RolloutView = {
  strategy: 'canary',
  phase: 'Progressing',
  message: '',
  state: 'progressing',
  currentStepIndex: 1,
  canaryWeight: 20,
  stableHash: 'h1',
  canaryHash: 'h2',
  desiredReplicas: [],
  pauseConditions: [],
  analysisRuns: [{ gate: '1', name: 'h2-step-2-1' }],
  aborted: false,
};

function rs(hash: string, replicas: number): ReplicaSetObject {
  return { metadata: { name: `web-${hash}`, labels: { 'rollouts-pod-template-hash': hash } }, spec: { replicas, selector: { matchLabels: {} }, template: { spec: { containers: [] } } }, status: { replicas } } as unknown as ReplicaSetObject;
}

function run(name: string, phase: string, message?: string): AnalysisRun {
  return { metadata: { name }, status: { phase, ...(message ? { message } : {}) } } as unknown as AnalysisRun;
}

const input = (over: Partial<ArgoStatusInput> = {}): ArgoStatusInput => ({
  rollout: canary,
  view,
  replicaSets: [rs('h1', 2), rs('h2', 1)],
  analysisRuns: [run('web-h2-step-2-1', 'Running')],
  runName: (name) => `web-${name}`,
  ...over,
});

describe('Argo status fields', () => {
  it('given a canary, then the Scale counts every pod under the Rollout selector', () => {
    expect(scaleStatus(canary, view, [rs('h1', 2), rs('h2', 1)])).toEqual({ HPAReplicas: 3, selector: 'app=web' });
  });

  it('given the same steps, then currentStepHash is the same; given other steps, it differs', () => {
    const other: Rollout = { ...canary, spec: { ...canary.spec, strategy: { canary: { steps: [{ setWeight: 30 }] } } } };
    expect(stepHash(canary)).toBe(stepHash(structuredClone(canary)));
    expect(stepHash(other)).not.toBe(stepHash(canary));
  });

  it('given an aborted view, then abort and abortedAt are set; given a pause step, controllerPause; given a user pause only, none', () => {
    const aborted = argoStatusFields(input({ view: { ...view, aborted: true, abort: { reason: 'UserAbort', message: 'x', at: '2024-01-01T00:00:00.000Z' } } }), {});
    expect(aborted).toMatchObject({ abort: true, abortedAt: '2024-01-01T00:00:00.000Z' });
    const step = argoStatusFields(input({ view: { ...view, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 'x' }] } }), {});
    expect(step.controllerPause).toBe(true);
    const user = argoStatusFields(input({ view: { ...view, pauseConditions: [{ reason: 'UserPause', startTime: 'x' }] } }), {});
    expect(user.controllerPause).toBeUndefined();
    expect(user.abort).toBeUndefined();
  });

  it("given a step analysis running, then currentStepAnalysisRunStatus names the run and its phase; once it failed and the rollout aborted, the failed run's summary stays", () => {
    expect(canaryRunStatuses(input(), {})).toEqual({ currentStepAnalysisRunStatus: { name: 'web-h2-step-2-1', status: 'Running' } });
    const failed = canaryRunStatuses(input({ analysisRuns: [run('web-h2-step-2-1', 'Failed', 'error rate too high')] }), {});
    expect(failed.currentStepAnalysisRunStatus).toEqual({ name: 'web-h2-step-2-1', status: 'Failed', message: 'error rate too high' });
    const afterAbort = canaryRunStatuses(input({ view: { ...view, aborted: true, analysisRuns: [] } }), { canary: failed });
    expect(afterAbort.currentStepAnalysisRunStatus).toEqual(failed.currentStepAnalysisRunStatus);
  });

  it('given background analysis, then currentBackgroundAnalysisRunStatus names it', () => {
    const bg = canaryRunStatuses(input({ view: { ...view, analysisRuns: [{ gate: 'background', name: 'h2-background-1' }] }, analysisRuns: [run('web-h2-background-1', 'Successful')] }), {});
    expect(bg.currentBackgroundAnalysisRunStatus).toEqual({ name: 'web-h2-background-1', status: 'Successful' });
  });

  it('given a template from workloadRef, then workloadObservedGeneration is the Deployment generation as a string', () => {
    expect(argoStatusFields(input({ workloadGeneration: 7 }), {}).workloadObservedGeneration).toBe('7');
    expect(argoStatusFields(input(), {}).workloadObservedGeneration).toBeUndefined();
  });
});
