// Specification of when an AnalysisRun measures: initial delay, interval, count, requeue times and idempotence.
import { describe, expect, it } from 'vitest';
import { RunDriver, ScriptedProvider, T0, analysisRun, at, failure, metric, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);

describe('a metric without count or interval', () => {
  it('given a fresh run, when stepped, then exactly one measurement is taken and the run is Successful', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors')]), provider);
    const step = await driver.step(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(step.status.startedAt).toBe(new Date(T0).toISOString());
    expect(step.requeueAfterMs).toBeUndefined();
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Successful', count: 1, successful: 1 });
    await driver.step(at(60));
    expect(provider.calls).toHaveLength(1);
  });
});

describe('initialDelay and interval', () => {
  const scheduled = metric('errors', { initialDelay: '30s', interval: '1m', count: 3 });

  it('given initialDelay 30s, when stepped at the start, then nothing is measured and the step asks to come back in 30s', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([scheduled]), provider);
    const step = await driver.step(at(0));
    expect(provider.calls).toHaveLength(0);
    expect(step.status.phase).toBe('Running');
    expect(driver.metricResult('errors').phase).toBe('Pending');
    expect(step.requeueAfterMs).toBe(30_000);
  });

  it('given initialDelay 30s, when stepped at 29s, then nothing is measured and 1s remains', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const driver = new RunDriver(analysisRun([scheduled]), provider);
    await driver.step(at(0));
    const step = await driver.step(at(29));
    expect(provider.calls).toHaveLength(0);
    expect(step.requeueAfterMs).toBe(1_000);
  });

  it('given interval 1m and count 3, when stepped at each requeue time, then measurements land at 30s, 90s and 150s', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([scheduled]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(driver.metricResult('errors').measurements.map((m) => m.startedAt)).toEqual(
      [30, 90, 150].map((s) => new Date(at(s)).toISOString()),
    );
    expect(provider.overruns).toEqual([]);
  });

  it('given a step that comes late, when stepped, then one measurement is taken and the next is an interval after it (no catch-up)', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([scheduled]), provider);
    await driver.step(at(0));
    const late = await driver.step(at(600));
    expect(provider.calls).toHaveLength(1);
    expect(late.requeueAfterMs).toBe(60_000);
  });

  it('given a step at the same now twice, when stepped, then the second takes no measurement and returns the same status', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([scheduled]), provider);
    await driver.step(at(0));
    const first = await driver.step(at(30));
    const second = await driver.step(at(30));
    expect(provider.calls).toHaveLength(1);
    expect(second).toEqual(first);
  });

  it('given the first step, when the run already has a startedAt, then the schedule keeps counting from it and keeps its text', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const run = analysisRun([scheduled]);
    run.status = { phase: 'Running', startedAt: '2026-03-01T11:59:35Z' };
    const driver = new RunDriver(run, provider);
    const step = await driver.step(at(0));
    expect(step.requeueAfterMs).toBe(5_000);
    expect(step.status.startedAt).toBe('2026-03-01T11:59:35Z');
  });
});

describe('a status edited by hand', () => {
  it('given an unreadable startedAt, when stepped, then the run restarts its clock at now', async () => {
    const run = analysisRun([metric('errors', { initialDelay: '30s' })]);
    run.status = { phase: 'Running', startedAt: 'yesterday' };
    const step = await new RunDriver(run, new ScriptedProvider({})).step(at(0));
    expect(step.status.startedAt).toBe(new Date(at(0)).toISOString());
    expect(step.requeueAfterMs).toBe(30_000);
  });

  it('given a measurement with an unreadable startedAt, when stepped, then the metric is due now and schedules from the new one', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const run = analysisRun([metric('errors', { interval: '1m', count: 3 })]);
    run.status = {
      phase: 'Running',
      startedAt: new Date(at(-120)).toISOString(),
      metricResults: [
        {
          name: 'errors',
          phase: 'Running',
          count: 1,
          successful: 1,
          failed: 0,
          inconclusive: 0,
          error: 0,
          consecutiveError: 0,
          measurements: [{ phase: 'Successful', startedAt: 'garbage', value: '[0.001]' }],
        },
      ],
    };
    const step = await new RunDriver(run, provider).step(at(0));
    expect(provider.calls).toHaveLength(1);
    expect(step.requeueAfterMs).toBe(60_000);
  });
});

describe('an interval without count', () => {
  it('given interval 10s and no count, when stepped for 10 minutes, then it keeps measuring and never finishes on its own', async () => {
    const provider = new ScriptedProvider({ errors: Array.from({ length: 61 }, () => GOOD) });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s' })]), provider);
    const step = await driver.runToEnd(at(0), 60);
    expect(step.status.phase).toBe('Running');
    expect(step.requeueAfterMs).toBe(10_000);
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Running', count: 61, successful: 61 });
  });

  it('given such a run, when terminated, then it is Successful with message "terminated" and nothing more is measured', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s' })]), provider);
    await driver.step(at(0));
    await driver.step(at(10));
    driver.terminate();
    const step = await driver.step(at(20));
    expect(step.status.phase).toBe('Successful');
    expect(step.status.message).toBe('terminated');
    expect(step.requeueAfterMs).toBeUndefined();
    expect(provider.calls).toHaveLength(2);
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Successful', message: 'terminated after 2 measurements' });
  });
});

describe('requeueAfterMs across metrics', () => {
  it('given metrics due in 20s and 45s, when stepped, then the step asks to come back at the earlier', async () => {
    const provider = new ScriptedProvider({ fast: [GOOD, GOOD], slow: [GOOD] });
    const run = analysisRun([
      metric('fast', { interval: '20s', count: 2 }),
      metric('slow', { initialDelay: '45s' }),
    ]);
    const driver = new RunDriver(run, provider);
    const first = await driver.step(at(0));
    expect(provider.callsFor('fast')).toHaveLength(1);
    expect(first.requeueAfterMs).toBe(20_000);
    const second = await driver.step(at(20));
    expect(second.requeueAfterMs).toBe(25_000);
    const third = await driver.step(at(45));
    expect(third.status.phase).toBe('Successful');
    expect(third.requeueAfterMs).toBeUndefined();
  });

  it('given an error on a metric without interval, when stepped, then it retries after 10s', async () => {
    const provider = new ScriptedProvider({ errors: [failure('Unavailable', 'connection refused'), GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors')]), provider);
    const first = await driver.step(at(0));
    expect(first.status.phase).toBe('Running');
    expect(first.requeueAfterMs).toBe(10_000);
    expect((await driver.step(at(5))).requeueAfterMs).toBe(5_000);
    const second = await driver.step(at(10));
    expect(second.status.phase).toBe('Successful');
    expect(provider.calls).toHaveLength(2);
  });
});

describe('schedules that cannot work', () => {
  it('given an unparseable interval, when stepped, then the metric and the run are Error naming the field, without measuring', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: 'soon', count: 2 })]), provider);
    const step = await driver.step(at(0));
    expect(provider.calls).toHaveLength(0);
    expect(step.status.phase).toBe('Error');
    expect(driver.metricResult('errors').message).toMatch(/^cannot be measured: interval: invalid duration "soon"/);
    expect(step.status.message).toContain('metric "errors" Error: cannot be measured: interval');
  });

  it('given count 3 without interval, when stepped, then the metric is Error saying interval is required', async () => {
    const driver = new RunDriver(analysisRun([metric('errors', { count: 3 })]), new ScriptedProvider({}));
    await driver.step(at(0));
    expect(driver.metricResult('errors').message).toBe('cannot be measured: interval is required when count is greater than 1');
  });
});
