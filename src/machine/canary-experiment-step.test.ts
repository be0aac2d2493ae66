// Scenarios for the canary `experiment` step (Argo docs features/canary.md, features/experiment.md "Integration With
// Rollouts"): the step creates an Experiment, waits for it, advances on Successful and aborts on Failed or Error.
import { describe, expect, it } from 'vitest';
import type { RolloutExperimentStep } from '../resources/rollout.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import type { CanaryPlan } from './rollout-plan.js';

const STEP: RolloutExperimentStep = {
  templates: [{ name: 'baseline', specRef: 'stable' }, { name: 'canary', specRef: 'canary' }],
  analyses: [{ name: 'compare', templateName: 'judge', requiredForCompletion: true }],
};

const plan: CanaryPlan = {
  strategy: 'canary',
  replicas: 4,
  steps: [{ kind: 'setWeight', weight: 25 }, { kind: 'experiment', experiment: STEP }, { kind: 'pause' }],
  hasTrafficRouting: false,
  progressDeadlineSeconds: 600,
  abortScaleDownDelaySeconds: 0,
  gitRevert: false,
};

/** Revision h2 at the experiment step (step 2), its Experiment asked for. */
function atExperiment(): RolloutScenario {
  const s = RolloutScenario.of(plan);
  s.at(10).revision('h2');
  s.at(20).ready('h2');
  return s;
}

describe('canary: an experiment step', () => {
  it('given a canary whose step 1 is done, when it reaches the experiment step, then it creates the Experiment for the step with both hashes and waits for it, pods and weight unchanged', () => {
    const s = atExperiment();
    expect(s.effects.filter((e) => e.type === 'createExperiment')).toEqual([
      { type: 'createExperiment', gate: '1', name: 'h2-step-2-1', step: STEP, canaryHash: 'h2', stableHash: 'h1' },
    ]);
    expect(s.view).toMatchObject({ currentStepIndex: 1, canaryWeight: 25, analysisRuns: [{ gate: '1', name: 'h2-step-2-1', kind: 'experiment' }] });
    expect(s.view.desiredReplicas).toEqual([{ hash: 'h1', replicas: 3 }, { hash: 'h2', replicas: 1 }]);
    expect(s.view.message).toBe('step 2/3: waiting for the experiment of h2');
  });

  it('given a running experiment step, when its Experiment is Successful, then the rollout advances to the next step and waits on nothing more', () => {
    const s = atExperiment();
    s.at(30).analysis('1', 'Successful');
    expect(s.view).toMatchObject({ currentStepIndex: 2, phase: 'Paused', analysisRuns: [] });
  });

  it.each(['Failed', 'Error'] as const)('given a running experiment step, when its Experiment is %s, then the rollout aborts with traffic back on stable, like a failed analysis step', (phase) => {
    const s = atExperiment();
    s.at(30).analysis('1', phase, 'Experiment x Failed: analysis compare Failed');
    expect(s.view.aborted).toBe(true);
    expect(s.view.abort?.reason).toBe(phase === 'Error' ? 'AnalysisError' : 'AnalysisFailed');
    expect(s.view.abort?.message).toContain('analysis compare Failed');
    // The Experiment that decided the abort has ended on its own: it is not terminated again.
    expect(s.effects.filter((e) => e.type === 'terminateExperiment')).toEqual([]);
    expect(s.effects).toContainEqual({ type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' });
  });

  it('given a running experiment step, when a person aborts, then the Experiment is terminated (it then scales its pods down)', () => {
    const s = atExperiment();
    s.at(30).command('abort');
    expect(s.effects).toContainEqual({ type: 'terminateExperiment', gate: '1', name: 'h2-step-2-1' });
    expect(s.effects.filter((e) => e.type === 'terminateAnalysisRun')).toEqual([]);
  });

  it('given a running experiment step, when promoted, then the step is skipped and its Experiment terminated', () => {
    const s = atExperiment();
    s.at(30).command('promote');
    expect(s.effects).toContainEqual({ type: 'terminateExperiment', gate: '1', name: 'h2-step-2-1' });
    expect(s.view.currentStepIndex).toBe(2);
  });

  it('given an Inconclusive experiment, then the rollout pauses for a person, as after inconclusive analysis', () => {
    const s = atExperiment();
    s.at(30).analysis('1', 'Inconclusive');
    expect(s.view.pauseConditions.map((p) => p.reason)).toEqual(['InconclusiveAnalysis']);
  });
});
