// Specification of a metric's verdict from its measurements: failure, inconclusive and consecutive-error limits.
import { describe, expect, it } from 'vitest';
import { RunDriver, ScriptedProvider, analysisRun, at, failure, metric, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);
const BAD = value([0.2]);
const MIDDLING = value([0.03]);
const DOWN = failure('Unavailable', 'Prometheus at http://prometheus.monitoring:9090 is unavailable: connection refused');

function every10s(fields: Parameters<typeof metric>[1] = {}) {
  return metric('errors', { interval: '10s', count: 5, ...fields });
}

describe('failureLimit', () => {
  it('given failureLimit 1, when the 2nd measurement fails, then the metric and run are Failed at once', async () => {
    const provider = new ScriptedProvider({ errors: [BAD, GOOD, BAD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([every10s({ failureLimit: 1 })]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Failed');
    expect(provider.calls).toHaveLength(3);
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Failed', failed: 2, successful: 1, count: 3 });
    expect(step.requeueAfterMs).toBeUndefined();
  });

  it('given the default failureLimit 0, when the first measurement fails, then the run is Failed with the value in its message', async () => {
    const driver = new RunDriver(analysisRun([every10s()]), new ScriptedProvider({ errors: [BAD] }));
    const step = await driver.step(at(0));
    expect(step.status.phase).toBe('Failed');
    expect(step.status.message).toBe('metric "errors" Failed: 1 of 1 measurements failed (failureLimit 0); last value [0.2]');
  });

  it('given failureLimit 1 and one failure in 5, when all are taken, then the metric is Successful', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, BAD, GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([every10s({ failureLimit: 1 })]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(driver.metricResult('errors')).toMatchObject({
      phase: 'Successful',
      message: '5 measurements: 4 successful, 1 failed, 0 inconclusive, 0 errors',
    });
  });
});

describe('inconclusiveLimit', () => {
  const judged = { successCondition: 'result[0] < 0.01', failureCondition: 'result[0] >= 0.05' };

  it('given the default inconclusiveLimit 0, when a measurement is inconclusive, then the run is Inconclusive', async () => {
    const driver = new RunDriver(analysisRun([every10s(judged)]), new ScriptedProvider({ errors: [GOOD, MIDDLING] }));
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Inconclusive');
    expect(step.status.message).toBe(
      'metric "errors" Inconclusive: 1 of 2 measurements inconclusive (inconclusiveLimit 0); last value [0.03]',
    );
  });

  it('given inconclusiveLimit 2, when two are inconclusive, then the metric carries on to Successful', async () => {
    const provider = new ScriptedProvider({ errors: [MIDDLING, GOOD, MIDDLING, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([every10s({ ...judged, inconclusiveLimit: 2 })]), provider);
    expect((await driver.runToEnd(at(0))).status.phase).toBe('Successful');
    expect(driver.metricResult('errors').inconclusive).toBe(2);
  });
});

describe('consecutiveErrorLimit', () => {
  it('given the default limit 4, when 5 measurements in a row err, then the metric is Error with the last error', async () => {
    const provider = new ScriptedProvider({ errors: [DOWN, DOWN, DOWN, DOWN, DOWN] });
    const driver = new RunDriver(analysisRun([every10s()]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Error');
    expect(provider.calls).toHaveLength(5);
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Error', error: 5, consecutiveError: 5 });
    expect(step.status.message).toBe(
      'metric "errors" Error: 5 consecutive measurement errors (consecutiveErrorLimit 4); last error: ' +
        'Prometheus at http://prometheus.monitoring:9090 is unavailable: connection refused',
    );
  });

  it('given 4 errors, a success, then 4 errors, when measured, then the success reset the streak and the metric goes on', async () => {
    const provider = new ScriptedProvider({ errors: [DOWN, DOWN, DOWN, DOWN, GOOD, DOWN, DOWN, DOWN, DOWN, GOOD] });
    const driver = new RunDriver(analysisRun([every10s({ count: 2 })]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(driver.metricResult('errors')).toMatchObject({ error: 8, consecutiveError: 0, successful: 2, count: 10 });
  });

  it('given a failed measurement between errors, when counted, then it also resets the streak', async () => {
    const provider = new ScriptedProvider({ errors: [DOWN, DOWN, BAD, DOWN] });
    const driver = new RunDriver(analysisRun([every10s({ failureLimit: 3 })]), provider);
    await driver.runToEnd(at(0), 3);
    expect(driver.metricResult('errors')).toMatchObject({ error: 3, consecutiveError: 1, failed: 1, phase: 'Running' });
  });

  it('given consecutiveErrorLimit 0, when one measurement errs, then the metric is Error at once', async () => {
    const driver = new RunDriver(analysisRun([every10s({ consecutiveErrorLimit: 0 })]), new ScriptedProvider({ errors: [DOWN] }));
    expect((await driver.step(at(0))).status.phase).toBe('Error');
  });

  it('given a measurement error, when counted, then it does not count toward count (the metric still needs its values)', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, DOWN, GOOD] });
    const driver = new RunDriver(analysisRun([every10s({ count: 2 })]), provider);
    await driver.runToEnd(at(0));
    expect(provider.calls).toHaveLength(3);
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Successful', count: 3, successful: 2, error: 1 });
  });

  it('given a provider error, when recorded, then the measurement message is the MetricError message and no value is kept', async () => {
    const driver = new RunDriver(analysisRun([every10s()]), new ScriptedProvider({ errors: [DOWN] }));
    await driver.step(at(0));
    const [measurement] = driver.metricResult('errors').measurements;
    expect(measurement).toEqual({
      phase: 'Error',
      startedAt: new Date(at(0)).toISOString(),
      finishedAt: new Date(at(0)).toISOString(),
      message: 'Prometheus at http://prometheus.monitoring:9090 is unavailable: connection refused',
    });
  });
});

describe('a metric that reached a terminal phase', () => {
  it('given one metric Successful and another still running, when stepped later, then the finished one is not measured again', async () => {
    const provider = new ScriptedProvider({ once: [GOOD], repeated: [GOOD, GOOD, GOOD] });
    const run = analysisRun([metric('once'), metric('repeated', { interval: '10s', count: 3 })]);
    const driver = new RunDriver(run, provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(provider.callsFor('once')).toHaveLength(1);
    expect(provider.callsFor('repeated')).toHaveLength(3);
  });

  it('given a terminal run, when stepped again, then its status is returned untouched and nothing is measured', async () => {
    const provider = new ScriptedProvider({ errors: [BAD, GOOD] });
    const driver = new RunDriver(analysisRun([every10s()]), provider);
    const failed = await driver.step(at(0));
    const again = await driver.step(at(100));
    expect(again.status).toBe(failed.status);
    expect(provider.calls).toHaveLength(1);
  });
});
