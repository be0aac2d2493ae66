import { describe, expect, it } from 'vitest';
import { TerminalError } from '../errors.js';
import { routedCanary } from '../machine/fixtures/plans.js';
import { RolloutScenario } from '../machine/fixtures/rollout-scenario.js';
import type { Effect, EffectOf } from '../machine/effects.js';
import { decideChecked, gateProblemOf, gateReadyEvents, type GateProblem } from './gate-check.js';

/** The routed canary in its timed pause (index 2, weight 20%), the analysis gate next. */
function beforeTheGate(): RolloutScenario {
  const s = RolloutScenario.of(routedCanary);
  s.at(10).revision('h2');
  s.ready('h2');
  s.command('promote');
  return s;
}

/** The effects without the record of the step the tick enters (the analysis step). */
function withoutStepStart(effects: readonly Effect[]): Effect[] {
  return effects.filter((e) => e.type !== 'recordMoment');
}

const missing: GateProblem = () => new TerminalError('AnalysisTemplate shop/error-rate not found (step 4 analysis)', { code: 'NotFound' });
const buildable: GateProblem = () => undefined;

describe('checking the runs a decision asks for', () => {
  it('given every run can be built, then the decision is the machine\'s as it is', () => {
    const s = beforeTheGate();
    const tick = { type: 'tick' as const, now: s.view.nextWakeAt ?? 0 };
    const checked = decideChecked(s.decision.state, tick, buildable);
    expect(withoutStepStart(checked.effects).map((e) => e.type)).toEqual(['createAnalysisRun']);
    expect(checked.decision.view.phase).toBe('Progressing');
  });

  it('given the gate\'s template is missing, then its run is not asked for and the gate is blocked in the same pass, with traffic on stable', () => {
    const s = beforeTheGate();
    const tick = { type: 'tick' as const, now: s.view.nextWakeAt ?? 0 };
    const checked = decideChecked(s.decision.state, tick, missing);
    expect(withoutStepStart(checked.effects).map((e) => e.type)).toEqual(['resetTraffic', 'emitEvent']);
    expect(checked.decision.view).toMatchObject({ phase: 'Degraded', canaryWeight: 0, blockedGates: { gates: ['3'], reason: 'ReferenceNotFound' } });
  });

  it('given a problem other than the missing template, then the gate is blocked as an invalid reference', () => {
    const s = beforeTheGate();
    const broken: GateProblem = () => new TerminalError('analysis argument "app" has no value (step 4 analysis)');
    const checked = decideChecked(s.decision.state, { type: 'tick', now: s.view.nextWakeAt ?? 0 }, broken);
    expect(checked.decision.view.blockedGates?.reason).toBe('InvalidReference');
  });

  it('given blocked gates, then gateReady is sent only once every run they need can be built', () => {
    const s = beforeTheGate();
    const { decision } = decideChecked(s.decision.state, { type: 'tick', now: s.view.nextWakeAt ?? 0 }, missing);
    expect(gateReadyEvents(decision.view, missing, 1)).toEqual([]);
    expect(gateReadyEvents(decision.view, buildable, 1)).toEqual([{ type: 'gateReady', now: 1 }]);
    expect(gateReadyEvents(s.view, buildable, 1)).toEqual([]);
  });
});

describe('gateProblemOf', () => {
  const effect = { type: 'createAnalysisRun', gate: '3', name: 'h2-step-4-1', templates: [], args: [], canaryHash: 'h2', stableHash: 'h1' } satisfies EffectOf<'createAnalysisRun'>;

  it('given a builder that throws a TerminalError, then that error is the problem; one that builds has none', () => {
    const error = new TerminalError('nope');
    expect(gateProblemOf(() => { throw error; })(effect)).toBe(error);
    expect(gateProblemOf(() => ({}))(effect)).toBeUndefined();
  });

  it('given a builder that fails for another reason, then that is not taken for a configuration error', () => {
    expect(() => gateProblemOf(() => { throw new Error('bug'); })(effect)).toThrow('bug');
  });
});
