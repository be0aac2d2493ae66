// Scenarios for gates that cannot start (a missing template or argument, a condition that does not compile): traffic
// to stable at once without a revert, a wait with the reason, and the gate started by itself once it can be.
import { describe, expect, it } from 'vitest';
import { backgroundCanary, manualBlueGreen, routedCanary } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import type { CanaryPlan } from './rollout-plan.js';

const MISSING = 'AnalysisTemplate shop/error-rate not found (step 4 analysis)';

/** The routed canary at its analysis step (index 3, canary weight 20%), the run asked for but not yet created. */
function atAnalysis(plan: CanaryPlan = routedCanary): RolloutScenario {
  const s = RolloutScenario.of(plan);
  s.at(10).revision('h2');
  s.ready('h2');
  s.command('promote');
  s.tick(true);
  expect(s.view.state).toContain('analyzing');
  return s;
}

/** Tells the machine the run it waits on at `gate` cannot be built, as the reconciler does. */
function block(s: RolloutScenario, gate: string, message = MISSING): void {
  const run = s.view.analysisRuns.find((r) => r.gate === gate);
  if (run === undefined) throw new Error(`no run at gate ${gate}`);
  s.send({ type: 'gateBlocked', gate, runName: run.name, reason: 'ReferenceNotFound', message });
}

describe('a canary whose step gate cannot start', () => {
  it('given the analysis run cannot be built, then all traffic goes to stable in that decision, the pods stay, nothing is reverted, and it is Degraded without an abort', () => {
    const s = atAnalysis();
    expect(s.view.canaryWeight).toBe(20);
    const pods = s.view.desiredReplicas;
    block(s, '3');
    expect(s.effects[0]).toEqual({ type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' });
    expect(s.effectsOf('scaleReplicaSet')).toEqual([]);
    expect(s.effectsOf('requestGitRevert')).toEqual([]);
    expect(s.effectsOf('recordRevision')).toEqual([]);
    expect(s.view).toMatchObject({ phase: 'Degraded', aborted: false, canaryWeight: 0, analysisRuns: [], currentStepIndex: 3 });
    expect(s.view.abort).toBeUndefined();
    expect(pods.find((p) => p.hash === 'h2')?.replicas).toBeGreaterThan(0);
    expect(s.view.desiredReplicas).toEqual(pods);
  });

  it('given a blocked gate, then the status message and a Warning say why, where traffic is and what to do', () => {
    const s = atAnalysis();
    block(s, '3');
    const expected = `${MISSING}; traffic is on stable h1, canary pods kept; step 4 analysis starts by itself once this is fixed, or promote to go on without it`;
    expect(s.view.message).toBe(expected);
    expect(s.effectsOf('emitEvent')).toEqual([expect.objectContaining({ eventType: 'Warning', reason: 'AnalysisGateBlocked', message: expected })]);
    expect(s.view.blockedGates).toMatchObject({ gates: ['3'], reason: 'ReferenceNotFound', message: MISSING, runs: [{ type: 'createAnalysisRun', name: 'h2-step-4-1' }] });
    expect(s.view.nextWakeAt).toBeUndefined();
  });

  it('given a blocked gate, when it can start, then the weight comes back before the run is created and the analysis decides as usual', () => {
    const s = atAnalysis();
    block(s, '3');
    s.at(100).send({ type: 'gateReady' });
    expect(s.effects.map((e) => e.type)).toEqual(['setCanaryWeight', 'createAnalysisRun', 'emitEvent']);
    expect(s.effectsOf('setCanaryWeight')).toEqual([{ type: 'setCanaryWeight', weight: 20, canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-step-4-1']);
    expect(s.view).toMatchObject({ phase: 'Progressing', canaryWeight: 20, analysisRuns: [{ gate: '3', name: 'h2-step-4-1' }] });
    expect(s.view.blockedGates).toBeUndefined();
    s.analysis('3', 'Successful');
    expect(s.view.currentStepIndex).toBe(4);
  });

  it('given a blocked gate, when promoted, then it goes on without that analysis and the weight comes back', () => {
    const s = atAnalysis();
    block(s, '3');
    s.command('promote');
    expect(s.ack).toMatchObject({ result: 'Accepted' });
    expect(s.effectsOf('createAnalysisRun')).toEqual([]);
    expect(s.effectsOf('setCanaryWeight')).toEqual([{ type: 'setCanaryWeight', weight: 20, canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.view).toMatchObject({ phase: 'Progressing', currentStepIndex: 4 });
    expect(s.view.blockedGates).toBeUndefined();
  });

  it('given a blocked gate, when resumed, then the command is refused with the reason, and when aborted, then it aborts as a person asked', () => {
    const s = atAnalysis();
    block(s, '3');
    expect(s.command('resume').handled).toBe(false);
    expect(s.ack?.message).toContain(MISSING);
    s.command('abort', 'carol');
    expect(s.view).toMatchObject({ phase: 'Degraded', aborted: true, abort: { reason: 'UserAbort' } });
    expect(s.view.blockedGates).toBeUndefined();
  });

  it('given a blocked gate, when the spec moves on to a new revision, then the new one rolls out from step 1', () => {
    const s = atAnalysis();
    block(s, '3');
    s.revision('h3');
    expect(s.view).toMatchObject({ phase: 'Progressing', canaryHash: 'h3', currentStepIndex: 0 });
    expect(s.view.blockedGates).toBeUndefined();
  });

  it('given a snapshot stored before gates could be blocked, when its gate cannot start, then it is read and blocks like any other', () => {
    const s = atAnalysis();
    const context = s.decision.state.snapshot.context as Record<string, unknown>;
    delete context.blocked;
    block(s, '3');
    expect(s.decision.handled).toBe(true);
    expect(s.view).toMatchObject({ phase: 'Degraded', canaryWeight: 0 });
  });
});

describe('a replica-ratio canary whose gate cannot start', () => {
  const ratioWithAnalysis: CanaryPlan = {
    ...routedCanary,
    hasTrafficRouting: false,
    steps: [{ kind: 'setWeight', weight: 25 }, { kind: 'analysis', analysis: { templates: [{ templateName: 'error-rate' }], args: [] } }],
  };

  it('given its pods are its traffic, then the canary scales down (stable to full size first), and comes back before the run when it can start', () => {
    const s = RolloutScenario.of(ratioWithAnalysis);
    s.at(10).revision('h2');
    s.ready('h2');
    block(s, '1', 'analysis argument "namespace" has no value (step 2 analysis)');
    expect(s.effects.slice(0, 3)).toEqual([
      { type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 0 },
    ]);
    expect(s.view.message).toContain('traffic is on stable h1, canary scaled down');
    expect(s.view.desiredReplicas).toEqual([
      { hash: 'h1', replicas: 4 },
      { hash: 'h2', replicas: 0 },
    ]);
    s.send({ type: 'gateReady' });
    expect(s.effects.map((e) => e.type)).toEqual(['scaleReplicaSet', 'scaleReplicaSet', 'setCanaryWeight', 'createAnalysisRun', 'emitEvent']);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 3 },
    ]);
    expect(s.view).toMatchObject({ phase: 'Progressing', canaryWeight: 25 });
  });
});

describe('a canary whose background gate cannot start', () => {
  it('given background analysis cannot start, then traffic goes to stable and the flow waits; when it can start, then the same background run is created', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.at(10).revision('h2');
    s.ready('h2');
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1', 'h2-step-2-1']);
    block(s, 'background', 'AnalysisTemplate shop/error-rate not found (background analysis)');
    expect(s.view).toMatchObject({ phase: 'Degraded', canaryWeight: 0, analysisRuns: [{ gate: '1', name: 'h2-step-2-1' }] });
    expect(s.analysis('1', 'Successful').handled).toBe(false);
    s.send({ type: 'gateReady' });
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1']);
    expect(s.view).toMatchObject({ phase: 'Progressing', canaryWeight: 20 });
    s.analysis('1', 'Successful');
    expect(s.view.currentStepIndex).toBe(2);
  });

  it('given two gates blocked in one pass, then both are named, and both runs are created once they can start', () => {
    const s = RolloutScenario.of(backgroundCanary);
    s.at(10).revision('h2');
    s.ready('h2');
    block(s, 'background', 'background template missing');
    block(s, '1', 'step template missing');
    expect(s.view.blockedGates).toMatchObject({ gates: ['background', '1'], message: 'background template missing; step template missing' });
    expect(s.view.message).toContain('background and step 2 analysis starts by itself');
    s.send({ type: 'gateReady' });
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-background-1', 'h2-step-2-1']);
  });
});

describe('a blue-green whose promotion gate cannot start', () => {
  function switched(): RolloutScenario {
    const s = RolloutScenario.of(manualBlueGreen);
    s.at(10).revision('h2');
    s.at(20).ready('h2');
    s.at(30).analysis('prePromotion', 'Successful');
    s.at(40).command('promote');
    s.at(50).ready('h2');
    return s;
  }

  it('given post-promotion analysis cannot start after the switch, then the active Service goes back to stable without a revert, and comes back before the run when it can start', () => {
    const s = switched();
    expect(s.view.activeHash).toBe('h2');
    block(s, 'postPromotion', 'AnalysisTemplate shop/error-rate not found (post-promotion analysis)');
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h1' });
    expect(s.effectsOf('requestGitRevert')).toEqual([]);
    expect(s.view).toMatchObject({ phase: 'Degraded', aborted: false, activeHash: 'h1', stableHash: 'h1', canaryWeight: 0 });
    expect(s.view.message).toContain('active Service back on stable h1, h2 kept');
    s.send({ type: 'gateReady' });
    expect(s.effects.map((e) => e.type)).toEqual(['switchActiveService', 'createAnalysisRun', 'emitEvent']);
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h2' });
    expect(s.view).toMatchObject({ phase: 'Progressing', activeHash: 'h2', analysisRuns: [{ gate: 'postPromotion', name: 'h2-post-promotion-1' }] });
  });

  it('given post-promotion analysis is blocked, when promoted, then the active Service comes back to the new revision and it is released', () => {
    const s = switched();
    block(s, 'postPromotion');
    s.command('promote');
    expect(s.effects[0]).toEqual({ type: 'switchActiveService', hash: 'h2' });
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', activeHash: 'h2' });
  });

  it('given post-promotion analysis is blocked, when promote-full arrives, then the active Service comes back to the new revision and it is released', () => {
    const s = switched();
    block(s, 'postPromotion');
    s.command('promote-full');
    expect(s.effectsOf('switchActiveService')).toEqual([{ type: 'switchActiveService', hash: 'h2' }]);
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', activeHash: 'h2' });
  });

  it('given pre-promotion analysis cannot start, then the active Service never moves and the run starts once it can', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    block(s, 'prePromotion');
    expect(s.effectsOf('switchActiveService')).toEqual([]);
    expect(s.view).toMatchObject({ phase: 'Degraded', activeHash: 'h1', previewHash: 'h2' });
    s.send({ type: 'gateReady' });
    expect(s.effectsOf('createAnalysisRun').map((e) => e.name)).toEqual(['h2-pre-promotion-1']);
    expect(s.view.phase).toBe('Progressing');
  });
});
