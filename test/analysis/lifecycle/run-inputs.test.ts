// Specification of what a run measures with: arguments and Secrets, retention of measurements, and odd results.
// @covers spec.args
// @covers spec.args[].name
// @covers spec.args[].value
// @covers spec.args[].valueFrom
// @covers spec.args[].valueFrom.secretKeyRef
// @covers spec.args[].valueFrom.secretKeyRef.name
// @covers spec.args[].valueFrom.secretKeyRef.key
// @covers spec.measurementRetention
// @covers spec.measurementRetention[].metricName
// @covers spec.measurementRetention[].limit
import { describe, expect, it } from 'vitest';
import { MAX_MEASUREMENT_TEXT, measureAnalysisRun } from '../../../src/analysis/analysis-run-lifecycle.js';
import { VaneError } from '../../../src/errors.js';
import { RunDriver, ScriptedProvider, analysisRun, at, metric, secretsFrom, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);

function templated(name: string) {
  return metric(name, {
    provider: {
      prometheus: {
        address: 'http://prometheus.monitoring:9090',
        query: 'errors{service="{{args.service}}"}',
        headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
      },
    },
  });
}

describe('arguments', () => {
  const args = [
    { name: 'service', value: 'checkout' },
    { name: 'token', valueFrom: { secretKeyRef: { name: 'prom-creds', key: 'token' } } },
  ];

  it('given a plain and a Secret argument, when measured, then the provider gets both values and status holds no secret', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const secrets = secretsFrom({ 'shop/prom-creds/token': 's3cr3t' });
    const driver = new RunDriver(analysisRun([templated('errors')], { args }), provider, secrets);
    const step = await driver.step(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(provider.calls[0]).toEqual({ metric: 'errors', namespace: 'shop', args: { service: 'checkout', token: 's3cr3t' } });
    expect(JSON.stringify(driver.run)).not.toContain('s3cr3t');
    expect(secrets.reads).toEqual(['shop/prom-creds/token']);
  });

  it('given a missing Secret, when measured, then the measurement is an Error naming argument, Secret and key', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const driver = new RunDriver(analysisRun([templated('errors')], { args }), provider, secretsFrom({}));
    await driver.step(at(0));
    expect(provider.calls).toHaveLength(0);
    expect(driver.metricResult('errors').measurements[0]).toMatchObject({
      phase: 'Error',
      message: 'argument "token" from Secret shop/prom-creds key "token": Secret shop/prom-creds has no key "token"',
    });
  });

  it('given two metrics using the same Secret, when measured in one step, then the Secret is read once', async () => {
    const provider = new ScriptedProvider({ a: [GOOD], b: [GOOD] });
    const secrets = secretsFrom({ 'shop/prom-creds/token': 's3cr3t' });
    await new RunDriver(analysisRun([templated('a'), templated('b')], { args }), provider, secrets).step(at(0));
    expect(secrets.reads).toEqual(['shop/prom-creds/token']);
    expect(provider.calls.map((c) => c.args.token)).toEqual(['s3cr3t', 's3cr3t']);
  });

  it('given a Secret argument that a metric does not use, when it is missing, then that metric still measures', async () => {
    const provider = new ScriptedProvider({ plain: [GOOD] });
    const driver = new RunDriver(analysisRun([metric('plain')], { args }), provider, secretsFrom({}));
    expect((await driver.step(at(0))).status.phase).toBe('Successful');
    expect(provider.calls[0]?.args).toEqual({ service: 'checkout' });
  });

  it('given a Secret that appears later, when the measurement is retried, then it succeeds', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const store: Record<string, string> = {};
    const driver = new RunDriver(analysisRun([templated('errors')], { args }), provider, secretsFrom(store));
    await driver.step(at(0));
    store['shop/prom-creds/token'] = 'late';
    const step = await driver.step(at(10));
    expect(step.status.phase).toBe('Successful');
    expect(driver.metricResult('errors')).toMatchObject({ error: 1, successful: 1, consecutiveError: 0 });
  });
});

describe('measurementRetention', () => {
  it('given the default, when 12 measurements are taken, then the newest 10 are kept and the counters count all 12', async () => {
    const answers = Array.from({ length: 12 }, (_, i) => value([i / 10_000]));
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s', count: 12 })]), new ScriptedProvider({ errors: answers }));
    await driver.runToEnd(at(0));
    const result = driver.metricResult('errors');
    expect(result).toMatchObject({ count: 12, successful: 12, phase: 'Successful' });
    expect(result.measurements.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, i) => `[${(i + 2) / 10_000}]`));
  });

  it('given a retention of 2 for one metric, when 4 are taken, then 2 are kept for it and the default applies to the other', async () => {
    const provider = new ScriptedProvider({ kept: [GOOD, GOOD, GOOD, GOOD], other: [GOOD, GOOD, GOOD, GOOD] });
    const run = analysisRun(
      [metric('kept', { interval: '10s', count: 4 }), metric('other', { interval: '10s', count: 4 })],
      { measurementRetention: [{ metricName: 'kept', limit: 2 }] },
    );
    const driver = new RunDriver(run, provider);
    await driver.runToEnd(at(0));
    expect(driver.metricResult('kept').measurements.map((m) => m.startedAt)).toEqual(
      [20, 30].map((s) => new Date(at(s)).toISOString()),
    );
    expect(driver.metricResult('other').measurements).toHaveLength(4);
    expect(driver.metricResult('kept').count).toBe(4);
  });
});

describe('results the conditions cannot simply compare', () => {
  it('given result[0] < 0.01 and a NaN sample, when measured, then the run is Failed, never Successful', async () => {
    const driver = new RunDriver(analysisRun([metric('errors')]), new ScriptedProvider({ errors: [value([Number.NaN])] }));
    expect((await driver.step(at(0))).status.phase).toBe('Failed');
  });

  it('given a negated successCondition that NaN would satisfy, when measured, then the run is Failed with the NaN noted', async () => {
    const m = metric('errors', { successCondition: '!(result[0] >= 0.01)' });
    const driver = new RunDriver(analysisRun([m]), new ScriptedProvider({ errors: [{ result: [Number.NaN], text: '[NaN]' }] }));
    const step = await driver.step(at(0));
    expect(step.status.phase).toBe('Failed');
    expect(step.status.message).toBe(
      'metric "errors" Failed: 1 of 1 measurements failed (failureLimit 0); ' +
        'last value [NaN] (the result holds NaN, which never meets a successCondition)',
    );
  });

  it('given an empty vector, when measured until the error limit, then the run is Error saying the query returned no data', async () => {
    const provider = new ScriptedProvider({ errors: Array.from({ length: 5 }, () => value([])) });
    const driver = new RunDriver(analysisRun([metric('errors')]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Error');
    expect(provider.calls).toHaveLength(5);
    expect(step.status.message).toBe(
      'metric "errors" Error: 5 consecutive measurement errors (consecutiveErrorLimit 4); ' +
        'last error: the query returned no data (an empty result), so successCondition cannot be evaluated',
    );
  });

  it('given a condition that cannot be evaluated on the value, when measured, then the measurement is an Error with the cause', async () => {
    const driver = new RunDriver(analysisRun([metric('errors')]), new ScriptedProvider({ errors: [value(['n/a'])] }));
    await driver.step(at(0));
    expect(driver.metricResult('errors').measurements[0]?.message).toMatch(
      /^successCondition "result\[0\] < 0\.01" could not be evaluated: no such overload/,
    );
  });

  it('given a condition that does not compile, when stepped, then the metric is Error at once and nothing is measured', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { successCondition: 'result[0] <' })]), provider);
    const step = await driver.step(at(0));
    expect(provider.calls).toHaveLength(0);
    expect(step.status.phase).toBe('Error');
    expect(step.status.message).toBe(
      'metric "errors" Error: cannot be measured: successCondition does not compile: Unexpected token: EOF at column 12',
    );
  });
});

describe('the size of status', () => {
  it('given a huge response text, when recorded, then the kept value is cut to MAX_MEASUREMENT_TEXT characters', async () => {
    const huge = { result: [0.001], text: 'x'.repeat(5000) };
    const driver = new RunDriver(analysisRun([metric('errors')]), new ScriptedProvider({ errors: [huge] }));
    await driver.step(at(0));
    const kept = driver.metricResult('errors').measurements[0]?.value ?? '';
    expect(kept).toHaveLength(MAX_MEASUREMENT_TEXT);
    expect(kept.endsWith('…')).toBe(true);
  });
});

describe('the step itself', () => {
  it('given a run, when stepped, then the run passed in is not modified', async () => {
    const run = analysisRun([metric('errors', { interval: '10s', count: 2 })]);
    const before = structuredClone(run);
    await measureAnalysisRun(run, { now: at(0), providerFor: () => new ScriptedProvider({ errors: [GOOD] }), secrets: secretsFrom({}) });
    expect(run).toEqual(before);
  });

  it('given a metric no provider serves, when stepped, then its measurement is an Error with the reason', async () => {
    const step = await measureAnalysisRun(analysisRun([metric('errors')]), {
      now: at(0),
      providerFor: () => {
        throw new VaneError('InvalidSpec', 'no provider for metric "errors"');
      },
      secrets: secretsFrom({}),
    });
    expect(step.status.metricResults?.[0]?.measurements[0]).toMatchObject({ phase: 'Error', message: 'no provider for metric "errors"' });
  });

  it('given an aborted signal, when stepped, then it throws instead of returning a partial status', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      measureAnalysisRun(analysisRun([metric('errors')]), {
        now: at(0),
        providerFor: () => new ScriptedProvider({ errors: [GOOD] }),
        secrets: secretsFrom({}),
        signal: controller.signal,
      }),
    ).rejects.toThrow('measuring AnalysisRun shop/checkout-abc123-canary was aborted');
  });
});
