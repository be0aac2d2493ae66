// Specification of an AnalysisRun's spec.dryRun and spec.measurementRetention rules (Argo docs features/analysis.md).
// @covers spec.dryRun
// @covers spec.dryRun[].metricName
// @covers spec.measurementRetention
// @covers spec.measurementRetention[].metricName
// @covers spec.measurementRetention[].limit
import { describe, expect, it } from 'vitest';
import { RunDriver, ScriptedProvider, analysisRun, at, metric, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);
const BAD = value([0.2]);

describe('spec.dryRun: metrics matched by a rule are measured and reported but never decide the run', () => {
  it('given dryRun metricName "total-5xx-errors" and that metric failing, when measured, then the run is Successful with a dry-run summary', async () => {
    const provider = new ScriptedProvider({ 'total-5xx-errors': [BAD], 'total-4xx-errors': [GOOD] });
    const run = analysisRun([metric('total-5xx-errors'), metric('total-4xx-errors')], { dryRun: [{ metricName: 'total-5xx-errors' }] });
    const step = await new RunDriver(run, provider).step(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(step.status.dryRunSummary).toEqual({ count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0 });
    expect(step.status.metricResults?.find((r) => r.name === 'total-5xx-errors')).toMatchObject({ dryRun: true, phase: 'Failed' });
    expect(provider.calls).toHaveLength(2);
  });

  it('given dryRun metricName ".*" and both metrics failing, when measured, then the run still passes (Argo: RegEx matches)', async () => {
    const provider = new ScriptedProvider({ a: [BAD], b: [BAD] });
    const step = await new RunDriver(analysisRun([metric('a'), metric('b')], { dryRun: [{ metricName: '.*' }] }), provider).step(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(step.status.dryRunSummary).toMatchObject({ count: 2, failed: 2 });
  });

  it('given a pattern matching part of a name ("5xx"), when measured, then it matches as Go\'s regexp.MatchString does and the other metric still decides', async () => {
    const provider = new ScriptedProvider({ 'total-5xx-errors': [GOOD], 'total-4xx-errors': [BAD] });
    const run = analysisRun([metric('total-5xx-errors'), metric('total-4xx-errors')], { dryRun: [{ metricName: '5xx' }] });
    const step = await new RunDriver(run, provider).step(at(0));
    expect(step.status.phase).toBe('Failed');
    expect(step.status.message).toMatch(/^metric "total-4xx-errors" Failed/);
  });

  it('given a rule that matches no metric, when stepped, then the run is Error "Analysis spec invalid" and nothing is measured', async () => {
    const provider = new ScriptedProvider({ a: [GOOD] });
    const step = await new RunDriver(analysisRun([metric('a')], { dryRun: [{ metricName: 'latency' }] }), provider).step(at(0));
    expect(step.status.phase).toBe('Error');
    expect(step.status.message).toBe('Analysis spec invalid: dryRun[0]: metricName "latency" matches no metric ("a")');
    expect(provider.calls).toHaveLength(0);
    expect(step.requeueAfterMs).toBeUndefined();
  });

  it('given a metricName that is not a regular expression, when stepped, then the run is Error naming the rule', async () => {
    const step = await new RunDriver(analysisRun([metric('a')], { dryRun: [{ metricName: '(' }] }), new ScriptedProvider({ a: [GOOD] })).step(at(0));
    expect(step.status.phase).toBe('Error');
    expect(step.status.message).toMatch(/^Analysis spec invalid: dryRun\[0\]: metricName "\(" is not a valid regular expression/);
  });
});

describe('spec.measurementRetention rules', () => {
  const four = (name: string): Record<string, ReturnType<typeof value>[]> => ({ [name]: [GOOD, GOOD, GOOD, GOOD] });

  it('given a rule ".*" with limit 2, when 4 measurements are taken of each metric, then each keeps its newest 2', async () => {
    const provider = new ScriptedProvider({ ...four('a'), ...four('b') });
    const run = analysisRun([metric('a', { interval: '10s', count: 4 }), metric('b', { interval: '10s', count: 4 })], {
      measurementRetention: [{ metricName: '.*', limit: 2 }],
    });
    const driver = new RunDriver(run, provider);
    await driver.runToEnd(at(0));
    expect(driver.metricResult('a').measurements.map((m) => m.startedAt)).toEqual([20, 30].map((s) => new Date(at(s)).toISOString()));
    expect(driver.metricResult('b').measurements).toHaveLength(2);
  });

  it('given two rules matching one metric, when measured, then the later rule\'s limit applies', async () => {
    const provider = new ScriptedProvider(four('a'));
    const run = analysisRun([metric('a', { interval: '10s', count: 4 })], { measurementRetention: [{ metricName: '.*', limit: 1 }, { metricName: 'a', limit: 3 }] });
    const driver = new RunDriver(run, provider);
    await driver.runToEnd(at(0));
    expect(driver.metricResult('a').measurements).toHaveLength(3);
  });

  it('given a limit of 0, when 12 measurements are taken, then the default of 10 is kept (Argo: 0 disables the rule)', async () => {
    const provider = new ScriptedProvider({ a: Array.from({ length: 12 }, () => GOOD) });
    const run = analysisRun([metric('a', { interval: '10s', count: 12 })], { measurementRetention: [{ metricName: 'a', limit: 0 }] });
    const driver = new RunDriver(run, provider);
    await driver.runToEnd(at(0));
    expect(driver.metricResult('a').measurements).toHaveLength(10);
    expect(driver.metricResult('a').count).toBe(12);
  });

  it('given a retention rule that matches no metric, when stepped, then the run is Error naming measurementRetention[0]', async () => {
    const run = analysisRun([metric('a')], { measurementRetention: [{ metricName: 'b', limit: 3 }] });
    const step = await new RunDriver(run, new ScriptedProvider({ a: [GOOD] })).step(at(0));
    expect(step.status).toMatchObject({ phase: 'Error', message: 'Analysis spec invalid: measurementRetention[0]: metricName "b" matches no metric ("a")' });
  });
});
