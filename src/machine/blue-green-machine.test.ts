// Scenarios for the blue-green strategy: preview, analysis, promotion, switch, scale-down, aborts and commands.
// @covers spec.strategy.blueGreen.previewReplicaCount
// @covers spec.strategy.blueGreen.autoPromotionEnabled
// @covers spec.strategy.blueGreen.autoPromotionSeconds
// @covers spec.strategy.blueGreen.scaleDownDelaySeconds
// @covers spec.strategy.blueGreen.abortScaleDownDelaySeconds
import { describe, expect, it } from 'vitest';
import { instantBlueGreen, manualBlueGreen, T0, timedBlueGreen } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';

/** Manual blue-green with h2 previewed and its pre-promotion analysis passed: waiting for promote. */
function awaitingPromotion(): RolloutScenario {
  const s = RolloutScenario.of(manualBlueGreen);
  s.at(10).revision('h2');
  s.at(20).ready('h2');
  s.at(30).analysis('prePromotion', 'Successful');
  return s;
}

/** Manual blue-green switched to h2, waiting for post-promotion analysis. */
function switched(): RolloutScenario {
  const s = awaitingPromotion();
  s.at(40).command('promote');
  s.at(50).ready('h2');
  return s;
}

describe('blue-green: the way to promotion', () => {
  it('given a Healthy blue-green rollout, when it is first seen, then stable is active and preview at full size', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    expect(s.effects).toEqual([
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 3 },
      { type: 'switchActiveService', hash: 'h1' },
      { type: 'setPreviewService', hash: 'h1' },
    ]);
    expect(s.view).toMatchObject({ strategy: 'blueGreen', phase: 'Healthy', activeHash: 'h1', stableHash: 'h1' });
  });

  it('given a new revision, when it is seen, then the preview scales to previewReplicaCount behind the preview Service and active stays', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h2', replicas: 1 }]);
    expect(s.effectsOf('setPreviewService')).toEqual([{ type: 'setPreviewService', hash: 'h2' }]);
    expect(s.effectsOf('switchActiveService')).toEqual([]);
    expect(s.view).toMatchObject({ phase: 'Progressing', activeHash: 'h1', previewHash: 'h2', canaryWeight: 0 });
  });

  it('given the preview is ready, when there is pre-promotion analysis, then it runs before anything is promoted', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => [e.gate, e.name])).toEqual([['prePromotion', 'h2-pre-promotion-1']]);
    expect(s.view.analysisRuns).toEqual([{ gate: 'prePromotion', name: 'h2-pre-promotion-1' }]);
  });

  it('given pre-promotion analysis passed and promotion is manual, then the rollout is Paused (BlueGreenPause) until promoted', () => {
    const s = awaitingPromotion();
    expect(s.view.phase).toBe('Paused');
    expect(s.view.pauseConditions).toEqual([{ reason: 'BlueGreenPause', startTime: '2026-01-01T00:00:30.000Z' }]);
    expect(s.view.nextWakeAt).toBeUndefined();
    expect(s.at(100_000).tick().handled).toBe(false);
  });

  it('given a rollout waiting for promotion, when promoted, then the new revision scales to full size before any switch', () => {
    const s = awaitingPromotion();
    s.command('promote');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h2', replicas: 3 }]);
    expect(s.effectsOf('switchActiveService')).toEqual([]);
    expect(s.view).toMatchObject({ phase: 'Progressing', activeHash: 'h1' });
  });

  it('given a rollout waiting for a manual promotion, when resumed, then it promotes as well', () => {
    const s = awaitingPromotion();
    s.command('resume');
    expect(s.view.state).toContain('scalingUp');
  });

  it('given the new revision is at full size, when it is ready, then the active Service switches and post-promotion analysis starts', () => {
    const s = switched();
    expect(s.effectsOf('switchActiveService')).toEqual([{ type: 'switchActiveService', hash: 'h2' }]);
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-post-promotion-1']);
    expect(s.view).toMatchObject({ activeHash: 'h2', stableHash: 'h1', canaryWeight: 100 });
  });

  it('given post-promotion analysis passes, then the new revision is stable and Healthy at once, and the previous one keeps its pods until scaleDownDelaySeconds after the switch', () => {
    const s = switched();
    const switchedAt = s.now;
    s.at(60).analysis('postPromotion', 'Successful');
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', activeHash: 'h2', canaryWeight: 0 });
    expect(s.view.previewHash).toBeUndefined();
    expect(s.view.previous).toEqual({ hash: 'h1', scaleDownAt: new Date(switchedAt + 600_000).toISOString() });
    expect(s.view.message).toBe(`active h2 serves all traffic; previous revision h1 scales down at ${new Date(switchedAt + 600_000).toISOString()}`);
    expect(s.effectsOf('recordRevision')).toEqual([
      { type: 'recordRevision', hash: 'h2', attempt: 1, outcome: 'Promoted', at: '2026-01-01T00:01:00.000Z', verdict: { reason: 'UserPromote', by: 'alice', message: 'promoted h2' } },
    ]);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([]);
    expect(s.view.nextWakeAt).toBe(switchedAt + 600_000);
    expect(s.view.desiredReplicas).toEqual([
      { hash: 'h2', replicas: 3 },
      { hash: 'h1', replicas: 3 },
    ]);
    s.now = switchedAt + 599_999;
    expect(s.tick().handled).toBe(false);
    s.tick(true);
    expect(s.effects).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 0 }]);
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', message: 'active h2 serves all traffic', desiredReplicas: [{ hash: 'h2', replicas: 3 }] });
    expect(s.view.previous).toBeUndefined();
    expect(s.view.nextWakeAt).toBeUndefined();
  });

  it('given a released revision whose predecessor still waits for its scale-down, when a newer revision appears, then the predecessor goes at once', () => {
    const s = switched();
    s.analysis('postPromotion', 'Successful');
    s.revision('h3');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 0 },
      { type: 'scaleReplicaSet', hash: 'h3', replicas: 1 },
    ]);
    expect(s.view).toMatchObject({ phase: 'Progressing', stableHash: 'h2', activeHash: 'h2', previewHash: 'h3' });
    expect(s.view.previous).toBeUndefined();
  });

  it('given a released revision, when the spec goes back to the previous one during its delay, then that ReplicaSet is previewed, not scaled down', () => {
    const s = switched();
    s.analysis('postPromotion', 'Successful');
    s.revision('h1');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 1 }]);
    expect(s.view).toMatchObject({ stableHash: 'h2', previewHash: 'h1' });
  });

  it('given a snapshot an older controller stored while waiting for the scale-down delay, when it is read and ticked, then the new revision is released', () => {
    const s = switched();
    s.analysis('postPromotion', 'Successful');
    // What an older controller stored at this point: still progressing, h1 stable, h2 in flight, no `previous`.
    const { previous: _previous, ...context } = s.decision.state.snapshot.context as Record<string, unknown>;
    const old = { ...context, stableHash: 'h1', newHash: 'h2', attempt: 1, newAtFullSize: true, at: { progressAt: null, pausedAt: null, switchedAt: T0 + 50_000, heldAt: null, abortedAt: null } };
    s.decision = { ...s.decision, state: { ...s.decision.state, snapshot: { ...s.decision.state.snapshot, value: { progressing: { flow: 'scalingDownOld', hold: 'running' } }, context: old } } };
    s.at(70).tick();
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', activeHash: 'h2', previous: { hash: 'h1', scaleDownAt: new Date(T0 + 650_000).toISOString() } });
    expect(s.effectsOf('recordRevision').map((r) => r.outcome)).toEqual(['Promoted']);
  });

  it('given automatic promotion at once and no analysis, when the preview is ready, then it scales up in the same decision', () => {
    const s = RolloutScenario.of(instantBlueGreen);
    s.revision('h2');
    s.ready('h2');
    expect(s.view.state).toContain('scalingUp');
    s.ready('h2');
    expect(s.effectsOf('switchActiveService')).toEqual([{ type: 'switchActiveService', hash: 'h2' }]);
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', nextWakeAt: s.now + 30_000 });
    s.tick(true);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 0 }]);
  });

  it('given autoPromotionSeconds, when the tick comes before it, nothing happens; at nextWakeAt, then it promotes', () => {
    const s = RolloutScenario.of(timedBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.at(100).analysis('prePromotion', 'Successful');
    expect(s.view.phase).toBe('Progressing');
    expect(s.view.nextWakeAt).toBe(s.now + 300_000);
    s.at(399);
    expect(s.tick().handled).toBe(false);
    s.tick(true);
    expect(s.view.state).toContain('scalingUp');
  });

  it('given scaleDownDelaySeconds is 0, when the active Service switches, then the old revision goes in the same decision', () => {
    const s = RolloutScenario.of(timedBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.analysis('prePromotion', 'Successful');
    s.command('promote');
    s.ready('h2');
    expect(s.effects.map((e) => e.type)).toContain('switchActiveService');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 0 }]);
    expect(s.view.phase).toBe('Healthy');
  });
});

describe('blue-green: scaleDownDelayRevisionLimit', () => {
  // @covers spec.strategy.blueGreen.scaleDownDelayRevisionLimit
  it('given scaleDownDelayRevisionLimit 0 and a delay of 600s, when the active Service switches, then no old revision waits: it goes in the same decision (Argo docs specification.md)', () => {
    const s = RolloutScenario.of({ ...manualBlueGreen, postPromotionAnalysis: undefined, scaleDownDelayRevisionLimit: 0 });
    s.at(10).revision('h2');
    s.at(20).ready('h2');
    s.at(30).analysis('prePromotion', 'Successful');
    s.at(40).command('promote');
    s.at(50).ready('h2');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 0 }]);
    expect(s.view.previous).toBeUndefined();
  });

  it('given scaleDownDelayRevisionLimit 1, when the active Service switches, then the old revision still waits out the delay', () => {
    const s = RolloutScenario.of({ ...manualBlueGreen, postPromotionAnalysis: undefined, scaleDownDelayRevisionLimit: 1 });
    s.at(10).revision('h2');
    s.at(20).ready('h2');
    s.at(30).analysis('prePromotion', 'Successful');
    s.at(40).command('promote');
    s.at(50).ready('h2');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([]);
    expect(s.view.previous?.hash).toBe('h1');
  });
});

describe('blue-green: analysis outcomes and aborts', () => {
  it('given pre-promotion analysis fails, then the active Service stays on stable and the preview scales down after the delay', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.at(100).analysis('prePromotion', 'Failed', 'smoke test 500s');
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h1' });
    expect(s.effectsOf('requestGitRevert')[0]).toMatchObject({ reason: 'AnalysisFailed', failingHash: 'h2', stableHash: 'h1' });
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 3 }]);
    expect(s.view).toMatchObject({ phase: 'Degraded', activeHash: 'h1', nextWakeAt: s.now + 300_000 });
    s.tick(true);
    expect(s.effects).toEqual([
      { type: 'setPreviewService', hash: 'h1' },
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 0 },
    ]);
  });

  it('given the switch happened, when post-promotion analysis fails, then the active Service switches back to stable in the same decision', () => {
    const s = switched();
    s.analysis('postPromotion', 'Failed', 'error rate 9%');
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h1' });
    expect(s.view).toMatchObject({ phase: 'Degraded', activeHash: 'h1', canaryWeight: 0 });
    expect(s.effectsOf('requestGitRevert')).toHaveLength(1);
  });

  it('given pre-promotion analysis is inconclusive, when a person resumes, then it waits for promotion as if it had passed', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.analysis('prePromotion', 'Inconclusive');
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['InconclusiveAnalysis']);
    s.command('resume');
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['BlueGreenPause']);
  });

  it('given post-promotion analysis is inconclusive, when promoted, then the new revision is released and the old one waits for its scale-down', () => {
    const s = switched();
    s.analysis('postPromotion', 'Inconclusive');
    expect(s.view.phase).toBe('Paused');
    s.command('promote');
    expect(s.view).toMatchObject({ state: 'healthy', stableHash: 'h2', previous: { hash: 'h1' } });
  });

  it('given the preview never becomes ready, when progressDeadlineSeconds pass, then it aborts with ProgressDeadlineExceeded', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.tick(true);
    expect(s.view.abort).toMatchObject({ reason: 'ProgressDeadlineExceeded' });
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h1' });
  });

  it('given abortScaleDownDelaySeconds is 0, when aborted by a person, then the preview goes in the same decision', () => {
    const s = RolloutScenario.of(instantBlueGreen);
    s.revision('h2');
    s.command('abort', 'carol');
    expect(s.effectsOf('requestGitRevert')[0]).toMatchObject({ reason: 'UserAbort', actor: 'carol' });
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.view.state).toBe('aborted.scaledDown');
  });

  it('given an aborted rollout, when retried, then the preview comes back with attempt 2 and fresh run names', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.analysis('prePromotion', 'Failed');
    s.command('retry');
    expect(s.view).toMatchObject({ phase: 'Progressing', previewHash: 'h2', attempt: 2 });
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h2', replicas: 1 }]);
    s.ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-pre-promotion-2']);
  });
});

describe('blue-green: commands and revisions', () => {
  it('given a preview still scaling, when promote arrives, then it is rejected with the reason', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    expect(s.command('promote').handled).toBe(false);
    expect(s.ack?.message).toMatch(/^promote applies only while a rollout waits at a pause, an analysis or a promotion; phase is Progressing: waiting for 1 preview pod/);
  });

  it('given a preview, when promote-full arrives, then analysis is skipped and the new revision scales to full size', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.command('promote-full');
    expect(s.effectsOf('terminateAnalysisRun').map((e) => e.name)).toEqual(['h2-pre-promotion-1']);
    expect(s.view.state).toContain('scalingUp');
  });

  it('given the switch happened, when promote-full arrives, then post-promotion analysis is skipped and the new revision released', () => {
    const s = switched();
    s.command('promote-full');
    expect(s.effectsOf('terminateAnalysisRun').map((e) => e.name)).toEqual(['h2-post-promotion-1']);
    expect(s.view).toMatchObject({ state: 'healthy', stableHash: 'h2', previous: { hash: 'h1' } });
  });

  it('given automatic promotion, when a person pauses, then the timer stops until resumed', () => {
    const s = RolloutScenario.of(timedBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.analysis('prePromotion', 'Successful');
    s.command('pause');
    expect(s.view.nextWakeAt).toBeUndefined();
    s.at(10_000);
    expect(s.tick().handled).toBe(false);
    s.command('resume');
    expect(s.tick().handled).toBe(true);
    expect(s.view.state).toContain('scalingUp');
  });

  it('given the switch happened, when a newer revision appears, then active goes back to stable and the newer one is previewed', () => {
    const s = switched();
    s.revision('h3');
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h1' });
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h3', replicas: 1 });
    expect(s.view).toMatchObject({ activeHash: 'h1', previewHash: 'h3', stableHash: 'h1' });
  });

  it('given a preview in flight, when the spec returns to the stable template, then it is Healthy and the preview is gone', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.revision('h1');
    expect(s.view).toMatchObject({ phase: 'Healthy', activeHash: 'h1' });
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.effectsOf('terminateAnalysisRun')).toHaveLength(1);
  });

  it('given a preview in flight, when the spec changes replicas, then both ReplicaSets get the counts of the new plan', () => {
    const s = awaitingPromotion();
    s.send({ type: 'spec', plan: { ...manualBlueGreen, replicas: 5, previewReplicaCount: 2 } });
    expect(s.effects).toEqual([
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 5 },
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 2 },
    ]);
  });
});
