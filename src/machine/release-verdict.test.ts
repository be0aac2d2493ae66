// The verdict a release's record gets when it is promoted or aborted: who or what decided, and why.
import { describe, expect, it } from 'vitest';
import { instantBlueGreen, manualBlueGreen, routedCanary } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import type { CanaryPlan } from './rollout-plan.js';

/** A routed canary whose pauses all have a duration, so it finishes without a person. */
const unattended: CanaryPlan = {
  ...routedCanary,
  steps: [{ kind: 'setWeight', weight: 20 }, { kind: 'pause', durationMs: 60_000 }, { kind: 'setWeight', weight: 60 }],
};

function verdictOf(s: RolloutScenario): unknown {
  return s.effectsOf('recordRevision').find((e) => e.outcome !== 'Progressing')?.verdict;
}

describe('the verdict of a canary release', () => {
  it('given steps that run out on their own, when the canary is promoted, then the verdict is StepsCompleted by the controller', () => {
    const s = RolloutScenario.of(unattended);
    s.at(10).revision('h2');
    s.ready('h2');
    s.tick(true);
    s.ready('h2');
    s.ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(verdictOf(s)).toEqual({ reason: 'StepsCompleted', by: 'controller', message: 'promoted h2' });
  });

  it('given a person promoted an early pause, when the later steps complete on their own, then the verdict is still StepsCompleted', () => {
    const plan: CanaryPlan = { ...unattended, steps: [{ kind: 'pause' }, { kind: 'setWeight', weight: 50 }] };
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    s.command('promote', 'alice');
    s.ready('h2');
    s.ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(verdictOf(s)).toMatchObject({ reason: 'StepsCompleted', by: 'controller' });
  });

  it('given a person promoted the last pause, when the canary is promoted, then the verdict is UserPromote by that person', () => {
    const plan: CanaryPlan = { ...unattended, steps: [{ kind: 'setWeight', weight: 50 }, { kind: 'pause' }] };
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    s.ready('h2');
    s.command('promote', 'carol');
    s.ready('h2');
    expect(verdictOf(s)).toEqual({ reason: 'UserPromote', by: 'carol', message: 'promoted h2' });
  });

  it('given promote-full by a person, when the canary is promoted, then the verdict is UserPromote by that person', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.command('promote-full', 'dave');
    s.ready('h2');
    expect(verdictOf(s)).toEqual({ reason: 'UserPromote', by: 'dave', message: 'promoted h2' });
  });

  it('given a failed step analysis, when the canary aborts, then the verdict is AnalysisFailed by the controller, naming the run', () => {
    const plan: CanaryPlan = { ...routedCanary, steps: [routedCanary.steps[3] as CanaryPlan['steps'][number]] };
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    s.analysis('0', 'Failed', 'error rate 7% > 1%');
    expect(verdictOf(s)).toEqual({ reason: 'AnalysisFailed', by: 'controller', message: 'step 1 analysis h2-step-1-1 failed: error rate 7% > 1%', analysisRun: 'h2-step-1-1' });
  });

  it('given a person aborts, when the canary aborts, then the verdict is UserAbort by that person', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.command('abort', 'bob');
    expect(verdictOf(s)).toEqual({ reason: 'UserAbort', by: 'bob', message: 'aborted by bob' });
  });

  it('given no progress, when the deadline passes, then the verdict is ProgressDeadlineExceeded by the controller', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.at(10 + 601).tick();
    expect(verdictOf(s)).toMatchObject({ reason: 'ProgressDeadlineExceeded', by: 'controller' });
  });
});

describe('the verdict of a blue-green release', () => {
  it('given automatic promotion, when released, then the verdict is AutoPromotion by the controller', () => {
    const s = RolloutScenario.of(instantBlueGreen);
    s.at(10).revision('h2');
    s.ready('h2');
    s.ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(verdictOf(s)).toEqual({ reason: 'AutoPromotion', by: 'controller', message: 'promoted h2' });
  });

  it('given a manual promotion, when a failing post-promotion analysis aborts it, then the verdict names the run, not the promoter', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.at(10).revision('h2');
    s.ready('h2');
    s.analysis('prePromotion', 'Successful');
    s.command('promote', 'erin');
    s.ready('h2');
    s.analysis('postPromotion', 'Failed');
    expect(verdictOf(s)).toMatchObject({ reason: 'AnalysisFailed', by: 'controller', analysisRun: 'h2-post-promotion-1' });
  });
});
