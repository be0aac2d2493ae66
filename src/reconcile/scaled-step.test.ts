import { describe, expect, it } from 'vitest';
import type { ReplicaSetObject } from '../resources/replica-set.js';
import { SCALED_STEP_ANNOTATION, scaledStepAnnotations, targetsAsScaled, type StepView } from './scaled-step.js';

const view: StepView = {
  state: 'progressing.flow.settingWeight+hold.running',
  canaryHash: 'new',
  attempt: 1,
  currentStepIndex: 2,
  desiredReplicas: [
    { hash: 'old', replicas: 3 },
    { hash: 'new', replicas: 2 },
  ],
};

function rs(hash: string, replicas: number, mark?: string): ReplicaSetObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `web-${hash}`, namespace: 'ns', labels: { 'rollouts-pod-template-hash': hash }, ...(mark ? { annotations: { [SCALED_STEP_ANNOTATION]: mark } } : {}) },
    spec: { replicas, selector: { matchLabels: {} }, template: { metadata: {}, spec: { containers: [] } } },
  } as ReplicaSetObject;
}

describe('the step that last scaled a release', () => {
  it('given ReplicaSets a later step of the same attempt scaled, then they are judged at the counts they have', () => {
    expect(targetsAsScaled(view, [rs('old', 2, 'new/1/3'), rs('new', 3, 'new/1/3')])).toEqual([
      { hash: 'old', replicas: 2 },
      { hash: 'new', replicas: 3 },
    ]);
  });

  it('given ReplicaSets scaled by this step or an earlier one, then the machine\'s counts stand', () => {
    expect(targetsAsScaled(view, [rs('old', 2, 'new/1/2'), rs('new', 3, 'new/1/1')])).toEqual(view.desiredReplicas);
  });

  it('given a canary left above its count by an earlier attempt (a retry), then it is scaled to the step\'s count', () => {
    expect(targetsAsScaled({ ...view, attempt: 2 }, [rs('old', 2), rs('new', 3, 'new/1/5')])).toEqual(view.desiredReplicas);
  });

  it('given an aborted release, then the abort\'s counts stand whatever step scaled the canary', () => {
    const aborted = { ...view, aborted: true, state: 'aborted.scalingDown', desiredReplicas: [{ hash: 'old', replicas: 5 }, { hash: 'new', replicas: 0 }] };
    expect(targetsAsScaled(aborted, [rs('old', 2), rs('new', 3, 'new/1/5')])).toEqual(aborted.desiredReplicas);
  });

  it('given a gate that cannot start, then the canary goes to the count the blocked gate asks for', () => {
    const blocked = { ...view, state: 'progressing.flow.analyzing+hold.gateBlocked', desiredReplicas: [{ hash: 'old', replicas: 5 }, { hash: 'new', replicas: 0 }] };
    expect(targetsAsScaled(blocked, [rs('old', 2), rs('new', 3, 'new/1/5')])).toEqual(blocked.desiredReplicas);
  });

  it('given a pass that scales the canary and leaves stable as it is, then only the canary is marked with the step', () => {
    const marks = scaledStepAnnotations(view, [{ type: 'scaleReplicaSet', hash: 'new', replicas: 2 }, { type: 'scaleReplicaSet', hash: 'old', replicas: 3 }], [rs('old', 3), rs('new', 1)]);
    expect([...marks]).toEqual([['new', { [SCALED_STEP_ANNOTATION]: 'new/1/2' }]]);
  });
});
