// Argo's condition types computed from what a pass knows (Argo docs features/specification.md, status conditions).
import { describe, expect, it } from 'vitest';
import { argoConditions, type ConditionFacts } from './argo-conditions.js';

const NOW = '2024-05-01T10:00:00.000Z';
const LATER = '2024-05-01T10:05:00.000Z';

const done: ConditionFacts = {
  replicas: 3,
  strategyComplete: true,
  paused: false,
  aborted: false,
  deadlineExceeded: false,
  updatedReplicas: 3,
  totalReplicas: 3,
  availableReplicas: 3,
  currentPodHash: 'h2',
  stableRS: 'h2',
  currentReplicaSetName: 'web-h2',
};

function byType(list: ReturnType<typeof argoConditions>): Record<string, { status: string; reason: string; message: string }> {
  return Object.fromEntries(list.map((c) => [c.type, { status: c.status, reason: c.reason, message: c.message }]));
}

describe('argoConditions', () => {
  it('given a finished rollout with every pod updated and available, then Healthy, Available, Completed are True and Progressing says NewReplicaSetAvailable', () => {
    const c = byType(argoConditions(undefined, done, 4, NOW));
    expect(c['Healthy']).toEqual({ status: 'True', reason: 'RolloutHealthy', message: 'Rollout is healthy' });
    expect(c['Progressing']).toEqual({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-h2" has successfully progressed.' });
    expect(c['Available']).toMatchObject({ status: 'True', reason: 'AvailableReason' });
    expect(c['Completed']).toMatchObject({ status: 'True', reason: 'RolloutCompleted' });
    expect(c['Paused']).toBeUndefined();
  });

  it('given a canary whose old pods are not yet gone, then it is not Healthy yet and Progressing says ReplicaSetUpdated', () => {
    const previous = argoConditions(undefined, done, 4, NOW);
    const c = byType(argoConditions(previous, { ...done, totalReplicas: 4 }, 4, LATER));
    expect(c['Healthy']).toMatchObject({ status: 'False', message: 'Rollout is not healthy' });
    expect(c['Progressing']).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
  });

  it('given a rollout never healthy, then no Healthy condition is written (Argo only turns an existing one False)', () => {
    const c = byType(argoConditions(undefined, { ...done, strategyComplete: false, stableRS: 'h1' }, 4, NOW));
    expect(c['Healthy']).toBeUndefined();
    expect(c['Completed']).toMatchObject({ status: 'False' });
  });

  it('given a pause, then Paused is True and Progressing Unknown/RolloutPaused; once resumed, Paused stays as False', () => {
    const paused = argoConditions(undefined, { ...done, paused: true, strategyComplete: false }, 4, NOW);
    expect(byType(paused)['Paused']).toEqual({ status: 'True', reason: 'RolloutPaused', message: 'Rollout is paused' });
    expect(byType(paused)['Progressing']).toMatchObject({ status: 'Unknown', reason: 'RolloutPaused' });
    const resumed = byType(argoConditions(paused, { ...done, strategyComplete: false }, 4, LATER));
    expect(resumed['Paused']).toMatchObject({ status: 'False' });
  });

  it('given an abort, then Progressing is False with RolloutAborted naming the revision and the cause', () => {
    const c = byType(argoConditions(undefined, { ...done, aborted: true, abortMessage: 'analysis failed', stableRS: 'h1' }, 4, NOW));
    expect(c['Progressing']).toEqual({ status: 'False', reason: 'RolloutAborted', message: 'Rollout aborted update to revision h2: analysis failed' });
    expect(c['Healthy']).toBeUndefined();
  });

  it('given a first release past its progress deadline, then Progressing is False with ProgressDeadlineExceeded', () => {
    const c = byType(argoConditions(undefined, { ...done, strategyComplete: false, deadlineExceeded: true, availableReplicas: 0 }, 4, NOW));
    expect(c['Progressing']).toEqual({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-h2" has timed out progressing.' });
    expect(c['Available']).toMatchObject({ status: 'False', message: 'Rollout does not have minimum availability' });
  });

  it('given a blue-green whose active ReplicaSet is saturated, then it is Available and Healthy although the old pods are still up', () => {
    const c = byType(argoConditions(undefined, { ...done, totalReplicas: 6, activeSaturated: true }, 4, NOW));
    expect(c['Available']).toMatchObject({ status: 'True' });
    expect(c['Healthy']).toMatchObject({ status: 'True' });
  });

  it('given a Progressing reason change at the same status, then lastTransitionTime is kept', () => {
    const first = argoConditions(undefined, { ...done, strategyComplete: false }, 4, NOW);
    const second = argoConditions(first, done, 4, LATER);
    expect(second.find((c) => c.type === 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', lastTransitionTime: NOW });
  });
});
