// @covers spec.templates
// @covers spec.templates[].name
// @covers spec.templates[].replicas
// @covers spec.duration
// @covers spec.analyses[].requiredForCompletion
// @covers spec.progressDeadlineSeconds
// @covers spec.scaleDownDelaySeconds
import { describe, expect, it } from 'vitest';
import { decideExperiment, initialExperimentState, type ExperimentDecision, type ExperimentEvent } from './experiment-machine.js';
import { experimentPlan } from './experiment-plan.js';
import type { ExperimentSpec } from '../resources/experiment.js';

const T0 = 1_000_000;
const S = 1000;

const template = (name: string, replicas?: number): ExperimentSpec['templates'][number] => ({
  name,
  ...(replicas === undefined ? {} : { replicas }),
  selector: { matchLabels: { app: name } },
  template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `img:${name}` }] } },
});

function start(spec: Partial<ExperimentSpec>): ExperimentDecision {
  return initialExperimentState(experimentPlan({ templates: [template('baseline'), template('canary', 2)], ...spec }), T0);
}

/** Feeds events in order, as passes would, carrying each decision's persisted state (through JSON) to the next. */
function feed(decision: ExperimentDecision, ...events: ExperimentEvent[]): ExperimentDecision {
  return events.reduce((d, event) => decideExperiment(JSON.parse(JSON.stringify(d.state)), event), decision);
}

const available = (at: number): ExperimentEvent => ({ type: 'templatesAvailable', now: at });
const tick = (at: number): ExperimentEvent => ({ type: 'tick', now: at });
const verdict = (name: string, phase: 'Successful' | 'Failed' | 'Error' | 'Inconclusive', at: number, message = ''): ExperimentEvent => ({ type: 'analysis', name, phase, message, now: at });

describe('experiment machine (Argo docs features/experiment.md "Experiment Lifecycle")', () => {
  it('given a new experiment, then every template is scaled to its replicas (default 1), it is Pending and wakes at the progress deadline', () => {
    const d = start({});
    expect(d.effects).toEqual([
      { type: 'scaleTemplate', template: 'baseline', replicas: 1 },
      { type: 'scaleTemplate', template: 'canary', replicas: 2 },
    ]);
    expect(d.view).toMatchObject({ phase: 'Pending', state: 'pending', nextWakeAt: T0 + 600 * S });
  });

  it('given pending templates, when they are all available, then it is Running and starts one AnalysisRun per analysis, none before', () => {
    const d = start({ analyses: [{ name: 'a', templateName: 't' }, { name: 'b', templateName: 't' }] });
    expect(d.effects.filter((e) => e.type === 'createRun')).toEqual([]);
    const running = feed(d, available(T0 + 5 * S));
    expect(running.view).toMatchObject({ phase: 'Running', availableAt: T0 + 5 * S, awaitedRuns: ['a', 'b'] });
    expect(running.effects.filter((e) => e.type === 'createRun')).toEqual([{ type: 'createRun', analysis: 'a' }, { type: 'createRun', analysis: 'b' }]);
  });

  it('given a duration of 30s, when 30s have passed since availableAt, then it is Successful; its ReplicaSets go to zero only after scaleDownDelaySeconds', () => {
    const running = feed(start({ duration: '30s' }), available(T0));
    expect(running.view.nextWakeAt).toBe(T0 + 30 * S);
    expect(feed(running, tick(T0 + 29 * S)).handled).toBe(false);
    const ended = feed(running, tick(T0 + 30 * S));
    expect(ended.view).toMatchObject({ phase: 'Successful', state: 'ended.scalingDown', nextWakeAt: T0 + 60 * S });
    expect(ended.view.desired).toEqual([{ template: 'baseline', replicas: 1 }, { template: 'canary', replicas: 2 }]);
    expect(feed(ended, tick(T0 + 59 * S)).handled).toBe(false);
    const done = feed(ended, tick(T0 + 60 * S));
    expect(done.effects).toEqual([{ type: 'scaleTemplate', template: 'baseline', replicas: 0 }, { type: 'scaleTemplate', template: 'canary', replicas: 0 }]);
    expect(done.view).toMatchObject({ phase: 'Successful', state: 'ended.done', desired: [{ template: 'baseline', replicas: 0 }, { template: 'canary', replicas: 0 }] });
  });

  it('given a running analysis, when one fails, then the experiment is Failed at once, names it, and terminates the runs still measuring', () => {
    const running = feed(start({ duration: '1h', analyses: [{ name: 'errors', templateName: 't' }, { name: 'latency', templateName: 't' }] }), available(T0));
    const failed = feed(running, verdict('errors', 'Failed', T0 + S, 'error rate 0.2'));
    expect(failed.view).toMatchObject({ phase: 'Failed', message: 'analysis errors Failed: error rate 0.2' });
    expect(failed.effects).toContainEqual({ type: 'terminateRun', analysis: 'latency' });
    expect(failed.effects).not.toContainEqual({ type: 'terminateRun', analysis: 'errors' });
    expect(failed.effects).toContainEqual(expect.objectContaining({ type: 'emitEvent', reason: 'ExperimentFailed', eventType: 'Warning' }));
  });

  it.each(['Error', 'Inconclusive'] as const)('given a running analysis, when it ends %s, then the experiment ends with that phase', (phase) => {
    const running = feed(start({ analyses: [{ name: 'a', templateName: 't', requiredForCompletion: true }] }), available(T0));
    expect(feed(running, verdict('a', phase, T0 + S)).view.phase).toBe(phase);
  });

  it('given no duration, when every analysis required for completion succeeds, then it is Successful and the optional ones still measuring are terminated', () => {
    const running = feed(start({ analyses: [{ name: 'req', templateName: 't', requiredForCompletion: true }, { name: 'opt', templateName: 't' }] }), available(T0));
    const done = feed(running, verdict('req', 'Successful', T0 + S));
    expect(done.view).toMatchObject({ phase: 'Successful', message: 'every analysis required for completion succeeded' });
    expect(done.effects).toContainEqual({ type: 'terminateRun', analysis: 'opt' });
  });

  it('given neither a duration nor a required analysis, when every analysis succeeds, then it keeps Running until terminated', () => {
    const running = feed(start({ analyses: [{ name: 'a', templateName: 't' }] }), available(T0));
    const after = feed(running, verdict('a', 'Successful', T0 + S), tick(T0 + 3600 * S));
    expect(after.view).toMatchObject({ phase: 'Running', state: 'running' });
    expect(after.view.nextWakeAt).toBeUndefined();
    expect(feed(after, { type: 'terminate', now: T0 + 3601 * S }).view).toMatchObject({ phase: 'Successful', message: 'terminated' });
  });

  it('given a duration that has passed while a required analysis still measures, then it waits for that analysis', () => {
    const running = feed(start({ duration: '10s', analyses: [{ name: 'req', templateName: 't', requiredForCompletion: true }] }), available(T0));
    const waiting = feed(running, tick(T0 + 20 * S));
    expect(waiting.view.phase).toBe('Running');
    expect(feed(waiting, verdict('req', 'Successful', T0 + 25 * S)).view.phase).toBe('Successful');
  });

  it('given templates that never become available, when progressDeadlineSeconds pass without progress, then it is Failed; progress restarts the clock', () => {
    const d = start({ progressDeadlineSeconds: 10 });
    const moved = feed(d, { type: 'progress', now: T0 + 8 * S });
    expect(feed(moved, tick(T0 + 12 * S)).handled).toBe(false);
    const failed = feed(moved, tick(T0 + 18 * S));
    expect(failed.view).toMatchObject({ phase: 'Failed', message: 'templates were not available within progressDeadlineSeconds (10)' });
  });

  it('given an analysis whose run cannot be created, then the experiment is Error with the reason', () => {
    const d = feed(start({}), { type: 'analysisBlocked', name: 'a', message: 'AnalysisTemplate ns/missing not found', now: T0 + S });
    expect(d.view).toMatchObject({ phase: 'Error', message: 'AnalysisTemplate ns/missing not found' });
  });

  it('given scaleDownDelaySeconds 0, when the experiment ends, then its ReplicaSets go to zero in the same decision', () => {
    const d = feed(start({ duration: 5, scaleDownDelaySeconds: 0 }), available(T0), tick(T0 + 5 * S));
    expect(d.view.state).toBe('ended.done');
    expect(d.effects).toContainEqual({ type: 'scaleTemplate', template: 'canary', replicas: 0 });
  });

  it('given an ended experiment, then verdicts and terminate change nothing', () => {
    const ended = feed(start({ duration: 5, analyses: [{ name: 'a', templateName: 't' }] }), available(T0), tick(T0 + 5 * S));
    expect(feed(ended, verdict('a', 'Failed', T0 + 6 * S)).handled).toBe(false);
    expect(feed(ended, { type: 'terminate', now: T0 + 6 * S }).handled).toBe(false);
  });
});
