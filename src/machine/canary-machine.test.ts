// Scenarios for the canary strategy: steps, analysis outcomes, commands, deadlines and revisions, through `decide`.
// @covers spec.progressDeadlineSeconds
// @covers spec.strategy.canary.steps[].setCanaryScale
// @covers spec.strategy.canary.steps[].setCanaryScale.replicas
// @covers spec.rollback.gitRevert
import { describe, expect, it } from 'vitest';
import { backgroundCanary, ratioCanary, routedCanary } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import type { CanaryPlan } from './rollout-plan.js';

/** The routed canary, moved to step `index` with revision h2 (steps 0..index-1 completed). */
function routedAt(index: number, plan: CanaryPlan = routedCanary): RolloutScenario {
  const s = RolloutScenario.of(plan);
  s.at(10).revision('h2');
  while ((s.view.currentStepIndex ?? 0) < index) advance(s);
  return s;
}

/** Completes whatever the rollout is waiting on at the current step. */
function advance(s: RolloutScenario): void {
  const flow = s.view.state;
  if (flow.includes('settingWeight') || flow.includes('fullyScaling')) s.ready('h2');
  else if (flow.includes('pausedForDuration')) s.tick(true);
  else if (flow.includes('analyzing')) s.analysis(String(s.view.currentStepIndex), 'Successful');
  else s.command('promote');
}

describe('canary: a new revision', () => {
  it('given a Healthy routed canary, when a new revision appears, then the canary scales to the first weight while stable stays full', () => {
    const s = RolloutScenario.of(routedCanary);
    expect(s.view.phase).toBe('Healthy');
    expect(s.effects).toEqual([
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
      { type: 'setStableService', hash: 'h1' },
      { type: 'setCanaryService', hash: 'h1' },
      { type: 'resetTraffic', canaryHash: 'h1', stableHash: 'h1' },
    ]);

    s.at(10).revision('h2');

    expect(s.view).toMatchObject({ phase: 'Progressing', currentStepIndex: 0, canaryHash: 'h2', canaryWeight: 0, attempt: 1 });
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
    ]);
    expect(s.effectsOf('setCanaryWeight')).toEqual([]);
    expect(s.effectsOf('recordRevision')).toEqual([{ type: 'recordRevision', hash: 'h2', attempt: 1, outcome: 'Progressing', at: '2026-01-01T00:00:10.000Z' }]);
  });

  it('given a routed canary at a setWeight step, when its pods are ready, then the router gets the weight and the next step starts', () => {
    const s = routedAt(0);
    s.ready('h2');
    expect(s.effectsOf('setCanaryWeight')).toEqual([{ type: 'setCanaryWeight', weight: 20, canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.view).toMatchObject({ currentStepIndex: 1, canaryWeight: 20, phase: 'Paused' });
  });

  it('given a replica-ratio canary, when a revision starts, then the canary takes its pods from stable and the weight is recorded at once', () => {
    const s = RolloutScenario.of(ratioCanary);
    s.revision('h2');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 3 },
    ]);
    expect(s.effectsOf('setCanaryWeight')).toEqual([{ type: 'setCanaryWeight', weight: 25, canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.view.desiredReplicas).toEqual([
      { hash: 'h1', replicas: 3 },
      { hash: 'h2', replicas: 1 },
    ]);
  });

  it('given replicas of another hash are ready, when the canary waits, then nothing happens', () => {
    const s = routedAt(0);
    expect(s.ready('h1').handled).toBe(false);
    expect(s.view.currentStepIndex).toBe(0);
  });
});

describe('canary: pause steps', () => {
  it('given an indefinite pause, when time passes, then it stays paused until promoted', () => {
    const s = routedAt(1);
    expect(s.view.pauseConditions).toEqual([{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:10.000Z' }]);
    expect(s.view.nextWakeAt).toBeUndefined();
    expect(s.at(100_000).tick().handled).toBe(false);
    s.command('promote');
    expect(s.ack).toMatchObject({ result: 'Accepted', action: 'promote' });
    expect(s.view.currentStepIndex).toBe(2);
  });

  it('given the pause at index 1 of 6 steps, then its message and its Event both say step 2/6, as people count', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.ready('h2');
    expect(s.view.currentStepIndex).toBe(1);
    expect(s.view.message).toBe('step 2/6: paused until promoted (canary weight 20%)');
    expect(s.effectsOf('emitEvent').filter((e) => e.reason === 'RolloutPaused').map((e) => e.message)).toEqual(['paused at step 2/6: waiting for promote or resume']);
  });

  it('given an indefinite pause, when resumed, then the next step starts', () => {
    const s = routedAt(1);
    s.command('resume');
    expect(s.view.currentStepIndex).toBe(2);
  });

  it('given a 10-minute pause, when a tick comes early, then nothing changes; when it comes at nextWakeAt, then the next step starts', () => {
    const s = routedAt(2);
    const startedAt = s.now;
    expect(s.view.nextWakeAt).toBe(startedAt + 600_000);
    s.now = startedAt + 599_999;
    expect(s.tick().handled).toBe(false);
    s.now = startedAt + 600_000;
    expect(s.tick().handled).toBe(true);
    expect(s.view.currentStepIndex).toBe(3);
    expect(s.view.pauseConditions).toEqual([]);
  });

  it('given a timed pause, when promoted, then it ends early', () => {
    const s = routedAt(2);
    s.command('promote');
    expect(s.view.currentStepIndex).toBe(3);
  });
});

describe('canary: step analysis outcomes', () => {
  it('given a canary at step 4 (index 3) waiting for analysis, when analysis succeeds, then the next step starts', () => {
    const s = routedAt(3);
    expect(s.effectsOf('createAnalysisRun')).toEqual([
      {
        type: 'createAnalysisRun',
        gate: '3',
        name: 'h2-step-4-1',
        templates: [{ templateName: 'error-rate' }],
        args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
        canaryHash: 'h2',
        stableHash: 'h1',
      },
    ]);
    s.analysis('3', 'Successful');
    expect(s.view.currentStepIndex).toBe(4);
    expect(s.view.analysisRuns).toEqual([]);
  });

  it('given a canary at step 4 (index 3), when analysis fails, then traffic is reset and a git revert is requested', () => {
    const s = routedAt(3);
    s.analysis('3', 'Failed', 'error rate 7% > 1%');
    expect(s.effects[0]).toEqual({ type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' });
    expect(s.effectsOf('requestGitRevert')).toEqual([
      {
        type: 'requestGitRevert',
        reason: 'AnalysisFailed',
        message: 'step 4 analysis h2-step-4-1 failed: error rate 7% > 1%',
        failingHash: 'h2',
        stableHash: 'h1',
        attempt: 1,
      },
    ]);
    expect(s.view).toMatchObject({ phase: 'Degraded', aborted: true, canaryWeight: 0, abort: { reason: 'AnalysisFailed' } });
    expect(s.effectsOf('emitEvent').find((e) => e.eventType === 'Warning')).toMatchObject({ reason: 'RolloutAborted' });
  });

  it('given a canary at step 4 (index 3), when analysis errs, then it aborts with reason AnalysisError', () => {
    const s = routedAt(3);
    s.analysis('3', 'Error', 'prometheus unreachable');
    expect(s.view.abort).toMatchObject({ reason: 'AnalysisError', message: 'step 4 analysis h2-step-4-1 errored: prometheus unreachable' });
    expect(s.effectsOf('resetTraffic')).toHaveLength(1);
  });

  it('given a canary at step 4 (index 3), when analysis is inconclusive, then it pauses for a person and resume continues', () => {
    const s = routedAt(3);
    s.analysis('3', 'Inconclusive', 'too few requests');
    expect(s.view.phase).toBe('Paused');
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['InconclusiveAnalysis']);
    expect(s.effectsOf('emitEvent')[0]).toMatchObject({ eventType: 'Warning', reason: 'AnalysisInconclusive' });
    s.command('resume');
    expect(s.view).toMatchObject({ phase: 'Progressing', currentStepIndex: 4 });
  });

  it('given a canary waiting for analysis, when promoted, then the run is terminated and the next step starts', () => {
    const s = routedAt(3);
    s.command('promote');
    expect(s.effectsOf('terminateAnalysisRun')).toEqual([{ type: 'terminateAnalysisRun', gate: '3', name: 'h2-step-4-1' }]);
    expect(s.view.currentStepIndex).toBe(4);
  });

  it('given a run an older controller named from the zero-based index (h2-step-3-1), when its verdict arrives, then the gate takes it', () => {
    const s = routedAt(3);
    const context = s.decision.state.snapshot.context as { runs: Array<{ gate: string; name: string }> };
    context.runs = [{ gate: '3', name: 'h2-step-3-1' }];
    expect(s.send({ type: 'analysis', gate: '3', runName: 'h2-step-3-1', phase: 'Successful', message: '' }).handled).toBe(true);
    expect(s.view.currentStepIndex).toBe(4);
  });

  it('given a run an older controller named from the zero-based index, when promoted, then that run is the one terminated', () => {
    const s = routedAt(3);
    const context = s.decision.state.snapshot.context as { runs: Array<{ gate: string; name: string }> };
    context.runs = [{ gate: '3', name: 'h2-step-3-1' }];
    s.command('promote');
    expect(s.effectsOf('terminateAnalysisRun')).toEqual([{ type: 'terminateAnalysisRun', gate: '3', name: 'h2-step-3-1' }]);
  });

  it('given a verdict for a run of an earlier attempt, when it arrives, then it is ignored', () => {
    const s = routedAt(3);
    const stale = s.send({ type: 'analysis', gate: '3', runName: 'h2-step-3-0', phase: 'Failed', message: '' });
    expect(stale.handled).toBe(false);
    expect(s.view.aborted).toBe(false);
  });
});

describe('canary: setCanaryScale and completion', () => {
  it('given a setCanaryScale step, when entered, then the canary is pinned to its replicas and keeps them at the next setWeight', () => {
    const s = routedAt(4);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 2 });
    s.ready('h2');
    expect(s.view.currentStepIndex).toBe(5);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 2 });
  });

  it('given the last step is done, when the full-size canary is ready, then it is promoted and the old revision scaled to zero', () => {
    const s = routedAt(6);
    expect(s.view.state).toContain('fullyScaling');
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 4 });
    s.ready('h2');
    expect(s.effects.map((e) => e.type)).toEqual([
      'setCanaryWeight',
      'setStableService',
      'setCanaryService',
      'resetTraffic',
      'scaleReplicaSet',
      'recordRevision',
      'emitEvent',
    ]);
    expect(s.effectsOf('setCanaryWeight')[0]?.weight).toBe(100);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 0 }]);
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', canaryWeight: 0, currentStepIndex: 6 });
    expect(s.view.canaryHash).toBeUndefined();
  });
});

describe('canary: steps of zero canary pods', () => {
  const zeroFirst: CanaryPlan = { ...ratioCanary, steps: [{ kind: 'setWeight', weight: 0 }, { kind: 'pause' }, { kind: 'setWeight', weight: 50 }] };

  it('given setWeight 0 as the first step, when a revision starts, then the weight is 0, the canary has no pods and the next step starts at once', () => {
    const s = RolloutScenario.of(zeroFirst);
    s.at(10).revision('h2');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 0 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
    ]);
    expect(s.effectsOf('setCanaryWeight').map((e) => e.weight)).toEqual([0]);
    expect(s.view).toMatchObject({ currentStepIndex: 1, canaryWeight: 0, phase: 'Paused' });
  });

  it('given a routed canary at setWeight 20, when its pods are ready and setWeight 0 follows, then the router goes to 20 and back to 0 in that decision', () => {
    const plan: CanaryPlan = { ...routedCanary, steps: [{ kind: 'setWeight', weight: 20 }, { kind: 'setWeight', weight: 0 }, { kind: 'pause' }] };
    const s = routedAt(1, plan);
    expect(s.effectsOf('setCanaryWeight').map((e) => e.weight)).toEqual([20, 0]);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.view).toMatchObject({ currentStepIndex: 2, canaryWeight: 0 });
  });

  it('given a user pause, when the plan turns the current step into setWeight 0, then it waits for resume', () => {
    const s = routedAt(0);
    s.at(20).command('pause');
    const plan: CanaryPlan = { ...routedCanary, steps: [{ kind: 'setWeight', weight: 0 }, ...routedCanary.steps.slice(1)] };
    s.send({ type: 'spec', plan });
    expect(s.view).toMatchObject({ currentStepIndex: 0, phase: 'Paused' });
    s.command('resume');
    expect(s.view.currentStepIndex).toBe(1);
  });

  it('given a setCanaryScale of 0 replicas, when entered, then it completes at once', () => {
    const plan: CanaryPlan = { ...routedCanary, steps: [{ kind: 'setCanaryScale', replicas: 0, matchTrafficWeight: false }, { kind: 'pause' }] };
    const s = RolloutScenario.of(plan);
    s.revision('h2');
    expect(s.view.currentStepIndex).toBe(1);
  });

  it('given a Rollout of 0 replicas, when a revision starts, then every step and the promotion complete without pods', () => {
    const s = RolloutScenario.of({ ...ratioCanary, replicas: 0 });
    s.at(10).revision('h2');
    expect(s.view.currentStepIndex).toBe(1);
    s.tick(true);
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2' });
    expect(s.effectsOf('emitEvent').map((e) => e.reason)).toContain('RolloutCompleted');
  });
});

describe('canary: background analysis', () => {
  it('given background analysis from index 1, when step 2 starts, then the background run starts beside it', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.revision('h2');
    expect(s.effectsOf('createAnalysisRun')).toEqual([]);
    s.ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1', 'h2-step-2-1']);
  });

  it('given background analysis running, when it fails, then the rollout aborts at once with traffic reset', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.revision('h2');
    s.ready('h2');
    s.analysis('background', 'Failed', 'p99 latency 900ms');
    expect(s.view.aborted).toBe(true);
    expect(s.effects[0]).toMatchObject({ type: 'resetTraffic' });
    expect(s.effectsOf('terminateAnalysisRun').map((e) => e.name)).toEqual(['h2-step-2-1']);
  });

  it('given background analysis is inconclusive, when a person resumes, then a new background run starts and the rollout may advance', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.revision('h2');
    s.ready('h2');
    s.analysis('background', 'Inconclusive');
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['InconclusiveAnalysis']);
    expect(s.analysis('1', 'Successful').handled).toBe(false);
    s.command('resume');
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1-2']);
    s.analysis('1', 'Successful');
    expect(s.view.state).toContain('fullyScaling');
  });

  it('given background analysis succeeded, when the canary is promoted, then there is nothing left to terminate', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.revision('h2');
    s.ready('h2');
    s.analysis('background', 'Successful');
    s.analysis('1', 'Successful');
    s.ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(s.effectsOf('terminateAnalysisRun')).toEqual([]);
  });
});

describe('canary: background analysis from the end of the steps (startingStep = number of steps)', () => {
  // Argo Rollouts starts a background run once the step index reaches startingStep; at the number of steps that is
  // after the last step, while the canary scales to full, and the run is cancelled when the rollout is promoted.
  // @covers spec.strategy.canary.analysis.startingStep
  const lateBackground: typeof backgroundCanary = { ...backgroundCanary, backgroundAnalysis: { ...backgroundCanary.backgroundAnalysis!, startingStep: 2 } };

  it('given the steps done, when the canary scales to full, then the background run starts and a failure still aborts', () => {
    const s = RolloutScenario.of(lateBackground);
    s.revision('h2');
    s.ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-step-2-1']);
    s.analysis('1', 'Successful');
    expect(s.view.state).toContain('fullyScaling');
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1']);
    s.analysis('background', 'Failed', 'error rate 4%');
    expect(s.view.aborted).toBe(true);
  });

  it('given the background run still running, when the canary is fully ready, then the rollout is promoted and the run terminated', () => {
    const s = RolloutScenario.of(lateBackground);
    s.revision('h2');
    s.ready('h2');
    s.analysis('1', 'Successful');
    s.ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(s.effectsOf('terminateAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1']);
  });
});

describe('canary: commands', () => {
  it('given a canary waiting for replicas, when promote arrives, then it is rejected with the reason', () => {
    const s = routedAt(0);
    const d = s.command('promote');
    expect(d.handled).toBe(false);
    expect(s.ack).toMatchObject({ result: 'Rejected', action: 'promote' });
    expect(s.ack?.message).toMatch(/^promote applies only while a rollout waits at a pause, an analysis or a promotion; phase is Progressing/);
  });

  it('given a Healthy rollout, when retry arrives, then it is rejected because only an aborted rollout can be retried', () => {
    const s = RolloutScenario.of(routedCanary);
    expect(s.command('retry').handled).toBe(false);
    expect(s.ack).toMatchObject({ result: 'Rejected', message: 'retry applies only to an aborted rollout; phase is Healthy' });
  });

  it('given a Healthy rollout, when abort arrives, then it is rejected', () => {
    const s = RolloutScenario.of(routedCanary);
    s.command('abort');
    expect(s.ack?.message).toBe('abort applies only to a progressing or paused rollout; phase is Healthy');
  });

  it('given a canary at step 1, when promote-full arrives, then the remaining steps are skipped and the canary goes to full size', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.revision('h2');
    s.ready('h2');
    s.command('promote-full');
    expect(s.effectsOf('terminateAnalysisRun').map((e) => e.name).sort()).toEqual(['h2-background-1', 'h2-step-2-1']);
    expect(s.view.state).toContain('fullyScaling');
    expect(s.view.currentStepIndex).toBe(2);
    s.ready('h2');
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2' });
  });

  it('given a progressing canary, when abort arrives, then traffic resets at once and the canary scales down after the delay', () => {
    const s = routedAt(1);
    s.at(100).command('abort', 'bob');
    expect(s.effects[0]).toEqual({ type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' });
    expect(s.effectsOf('requestGitRevert')).toEqual([
      { type: 'requestGitRevert', reason: 'UserAbort', message: 'aborted by bob', failingHash: 'h2', stableHash: 'h1', attempt: 1, actor: 'bob' },
    ]);
    // Git is queued last among the abort's effects: traffic, scale and the abort Event come first.
    const types = s.effects.map((e) => e.type);
    expect(types.indexOf('requestGitRevert')).toBeGreaterThan(types.lastIndexOf('emitEvent'));
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 4 }]);
    expect(s.view).toMatchObject({ phase: 'Degraded', nextWakeAt: s.now + 300_000 });
    expect(s.view.desiredReplicas).toContainEqual({ hash: 'h2', replicas: 1 });
    s.tick(true);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 }]);
    expect(s.view.nextWakeAt).toBeUndefined();
    expect(s.view.state).toBe('aborted.scaledDown');
  });

  it('given abortScaleDownDelaySeconds is 0, when aborted, then the canary scales down in the same decision, after the reset', () => {
    const s = routedAt(1, { ...routedCanary, abortScaleDownDelaySeconds: 0 });
    s.command('abort');
    const types = s.effects.map((e) => (e.type === 'scaleReplicaSet' ? `scale ${e.hash}=${e.replicas}` : e.type));
    expect(types.indexOf('resetTraffic')).toBe(0);
    expect(types).toContain('scale h2=0');
  });

  it('given a replica-ratio canary, when aborted, then its pods go at once because they are its traffic', () => {
    const s = RolloutScenario.of(ratioCanary);
    s.revision('h2');
    s.command('abort');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 0 },
    ]);
    expect(s.effectsOf('requestGitRevert')).toEqual([]);
  });

  it('given an aborted canary, when retry arrives, then it restarts from step 1 with a new attempt and new run names', () => {
    const s = routedAt(3);
    s.analysis('3', 'Failed');
    s.command('retry');
    expect(s.ack).toMatchObject({ result: 'Accepted', action: 'retry' });
    expect(s.view).toMatchObject({ phase: 'Progressing', currentStepIndex: 0, attempt: 2, canaryHash: 'h2', aborted: false });
    expect(s.effectsOf('emitEvent')[0]).toMatchObject({ reason: 'RolloutRetried', key: 'RolloutRetried/h2/2/' });
    while ((s.view.currentStepIndex ?? 0) < 3) advance(s);
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-step-4-2']);
  });

  it('given a progressing canary, when paused by a user, then ready replicas do not advance it until it is resumed', () => {
    const s = routedAt(0);
    s.at(20).command('pause');
    expect(s.view.pauseConditions).toEqual([{ reason: 'UserPause', startTime: '2026-01-01T00:00:20.000Z' }]);
    expect(s.view.phase).toBe('Paused');
    expect(s.view.nextWakeAt).toBeUndefined();
    expect(s.ready('h2').handled).toBe(false);
    expect(s.command('pause').handled).toBe(false);
    expect(s.ack?.message).toBe('pause does not apply: the rollout is already paused by a user');
    s.command('resume');
    expect(s.view.phase).toBe('Progressing');
    s.ready('h2');
    expect(s.view.currentStepIndex).toBe(1);
  });

  it('given a user pause on top of a pause step, when resumed twice, then the first clears the user pause and the second the step', () => {
    const s = routedAt(1);
    s.command('pause');
    s.command('resume');
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['CanaryPauseStep']);
    s.command('resume');
    expect(s.view.currentStepIndex).toBe(2);
  });

  it('given a user pause on top of a pause step, when promoted, then both are cleared in one decision', () => {
    const s = routedAt(1);
    s.command('pause');
    s.command('promote');
    expect(s.view.currentStepIndex).toBe(2);
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['CanaryPauseStep']);
  });

  it('given a canary that is not paused, when resume arrives, then it is rejected', () => {
    const s = routedAt(0);
    expect(s.command('resume').handled).toBe(false);
    expect(s.ack?.message).toMatch(/^resume applies only to a rollout paused by a user/);
  });
});

describe('canary: progress deadline', () => {
  // Vane always aborts past the deadline, which is Argo's `progressDeadlineAbort: true` (false is refused by validation).
  // @covers spec.progressDeadlineAbort
  it('given a canary waiting for replicas, when no progress comes within progressDeadlineSeconds, then it aborts with ProgressDeadlineExceeded', () => {
    const s = routedAt(0);
    expect(s.view.nextWakeAt).toBe(s.now + 600_000);
    s.tick(true);
    expect(s.view.abort).toMatchObject({ reason: 'ProgressDeadlineExceeded' });
    expect(s.effects[0]).toMatchObject({ type: 'resetTraffic' });
    expect(s.effectsOf('requestGitRevert')[0]).toMatchObject({ reason: 'ProgressDeadlineExceeded' });
  });

  it('given replica counts keep moving, when the original deadline passes, then the clock restarted at the last progress', () => {
    const s = routedAt(0);
    s.at(300).progress();
    expect(s.view.nextWakeAt).toBe(s.now + 600_000);
    s.at(700);
    expect(s.tick().handled).toBe(false);
    expect(s.view.aborted).toBe(false);
  });

  it('given a user pause while waiting for replicas, when the deadline passes, then nothing aborts; resume restarts the clock', () => {
    const s = routedAt(0);
    s.command('pause');
    s.at(10_000);
    expect(s.tick().handled).toBe(false);
    s.command('resume');
    expect(s.view.nextWakeAt).toBe(s.now + 600_000);
  });
});

describe('canary: revisions and spec changes', () => {
  it('given a canary in flight, when the same revision is seen again, then nothing happens', () => {
    const s = routedAt(1);
    expect(s.revision('h2').handled).toBe(false);
    expect(s.effects).toEqual([]);
  });

  it('given a canary in flight, when a newer revision appears, then it restarts from step 1 and the old canary is scaled down', () => {
    const s = routedAt(3);
    s.revision('h3');
    expect(s.effects[0]).toEqual({ type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' });
    expect(s.effectsOf('terminateAnalysisRun').map((e) => e.name)).toEqual(['h2-step-4-1']);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.effectsOf('recordRevision').map((e) => [e.hash, e.outcome])).toEqual([
      ['h2', 'Superseded'],
      ['h3', 'Progressing'],
    ]);
    expect(s.view).toMatchObject({ canaryHash: 'h3', currentStepIndex: 0, attempt: 1, canaryWeight: 0 });
  });

  it('given a canary in flight, when the spec goes back to the stable template, then it is Healthy at once and leftovers are cleaned', () => {
    const s = routedAt(3);
    s.revision('h1');
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h1', canaryWeight: 0 });
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.effectsOf('terminateAnalysisRun')).toHaveLength(1);
    expect(s.effectsOf('setCanaryService')).toEqual([{ type: 'setCanaryService', hash: 'h1' }]);
  });

  it('given an aborted canary, when the git revert lands (spec back on stable), then it is Healthy and the canary pods are gone', () => {
    const s = routedAt(3);
    s.analysis('3', 'Failed');
    s.revision('h1');
    expect(s.view.phase).toBe('Healthy');
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    expect(s.effectsOf('recordRevision')).toEqual([]);
  });

  it('given a revision aborted and reverted, when the same revision is released again, then it is a new attempt with new run names, Event keys and revert', () => {
    const s = routedAt(3);
    const firstRuns = s.effectsOf('createAnalysisRun').map((e) => e.name);
    s.analysis('3', 'Failed');
    const firstRevert = s.effectsOf('requestGitRevert');
    s.revision('h1');
    s.revision('h2');
    expect(s.view).toMatchObject({ phase: 'Progressing', canaryHash: 'h2', currentStepIndex: 0, attempt: 2 });
    const started = s.effectsOf('emitEvent').map((e) => e.key);
    while ((s.view.currentStepIndex ?? 0) < 3) advance(s);
    const secondRuns = s.effectsOf('createAnalysisRun').map((e) => e.name);
    s.analysis('3', 'Failed');
    expect(firstRevert).toMatchObject([{ failingHash: 'h2', attempt: 1 }]);
    expect(s.effectsOf('requestGitRevert')).toMatchObject([{ failingHash: 'h2', attempt: 2 }]);
    expect(secondRuns.some((name) => firstRuns.includes(name))).toBe(false);
    expect(started.every((key) => key.includes('/h2/2/'))).toBe(true);
  });

  it('given an aborted canary, when a fixed revision appears, then it rolls out from step 1', () => {
    const s = routedAt(3);
    s.analysis('3', 'Failed');
    s.revision('h3');
    expect(s.view).toMatchObject({ phase: 'Progressing', canaryHash: 'h3', currentStepIndex: 0, attempt: 1 });
  });

  it('given a Healthy canary, when replicas change in the spec, then stable is rescaled; an unchanged plan is ignored', () => {
    const s = RolloutScenario.of(routedCanary);
    expect(s.send({ type: 'spec', plan: structuredClone(routedCanary) }).handled).toBe(false);
    s.send({ type: 'spec', plan: { ...routedCanary, replicas: 8, steps: routedCanary.steps.slice(0, 2) } });
    expect(s.effects).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: 8 }]);
    expect(s.view.currentStepIndex).toBe(2);
  });

  it('given a canary paused at a step, when replicas change in the spec, then both ReplicaSets are rescaled and the pause keeps its start', () => {
    const s = routedAt(1);
    const started = s.view.pauseConditions[0]?.startTime;
    s.at(50).send({ type: 'spec', plan: { ...routedCanary, replicas: 10 } });
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 2 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 10 },
    ]);
    expect(s.view.pauseConditions[0]?.startTime).toBe(started);
    expect(s.view.currentStepIndex).toBe(1);
  });

  it('given a canary whose plan turns off git revert, when it aborts, then no revert is requested', () => {
    const s = routedAt(3, { ...routedCanary, gitRevert: false });
    s.analysis('3', 'Failed');
    expect(s.effectsOf('requestGitRevert')).toEqual([]);
    expect(s.effectsOf('resetTraffic')).toHaveLength(1);
  });
});
