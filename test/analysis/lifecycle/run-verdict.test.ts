// Specification of an AnalysisRun's phase and message: worst metric wins, dry-run metrics, termination.
// @covers spec.metrics
// @covers spec.metrics[].name
// @covers spec.metrics[].dryRun
// @covers spec.terminate
import { describe, expect, it } from 'vitest';
import { assessRun, worsePhase } from '../../../src/analysis/run-verdict.js';
import type { AnalysisPhase, MetricResult } from '../../../src/resources/analysis.js';
import { RunDriver, ScriptedProvider, analysisRun, at, failure, metric, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);
const BAD = value([0.2]);
const DOWN = failure('Timeout', 'query timed out after 30s');

function result(name: string, phase: AnalysisPhase, fields: Partial<MetricResult> = {}): MetricResult {
  return { name, phase, count: 1, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, measurements: [], ...fields };
}

describe('worsePhase: Failed > Error > Inconclusive > Running > Pending > Successful', () => {
  const order: AnalysisPhase[] = ['Successful', 'Pending', 'Running', 'Inconclusive', 'Error', 'Failed'];
  it.each(order.slice(1).map((worse, i) => [order[i] as AnalysisPhase, worse]))('given %s and %s, then the second is worse', (better, worse) => {
    expect(worsePhase(better, worse)).toBe(worse);
    expect(worsePhase(worse, better)).toBe(worse);
  });
});

describe('assessRun', () => {
  it('given one metric Failed and one Error, when assessed, then the run is Failed and the message names both, failed first', () => {
    const verdict = assessRun(
      [result('latency', 'Error', { message: 'too many errors' }), result('errors', 'Failed', { message: '2 failed' })],
      false,
    );
    expect(verdict.phase).toBe('Failed');
    expect(verdict.message).toBe('metric "errors" Failed: 2 failed; metric "latency" Error: too many errors');
  });

  it('given a metric Inconclusive while another is Running, when assessed, then the run is Inconclusive', () => {
    expect(assessRun([result('a', 'Running'), result('b', 'Inconclusive')], false).phase).toBe('Inconclusive');
  });

  it('given all metrics Successful, when assessed, then the run is Successful and says so', () => {
    expect(assessRun([result('a', 'Successful'), result('b', 'Successful')], false)).toEqual({
      phase: 'Successful',
      message: 'all 2 metrics successful',
      dryRunSummary: undefined,
    });
  });

  it('given a Pending metric, when assessed, then the run is Running', () => {
    expect(assessRun([result('a', 'Successful'), result('b', 'Pending')], false).phase).toBe('Running');
  });
});

describe('dry-run metrics', () => {
  it('given a dry-run metric that fails, when the real metric succeeds, then the run is Successful and the summary counts the failure', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD], shadow: [BAD] });
    const run = analysisRun([metric('errors'), metric('shadow', { dryRun: true })]);
    const step = await new RunDriver(run, provider).step(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(step.status.dryRunSummary).toEqual({ count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0 });
    expect(step.status.message).toBe(
      'all 1 metric successful; dry-run: metric "shadow" Failed: 1 of 1 measurements failed (failureLimit 0); last value [0.2]',
    );
    expect(step.status.metricResults?.find((r) => r.name === 'shadow')).toMatchObject({ dryRun: true, phase: 'Failed' });
  });

  it('given a dry-run metric still measuring, when the real metric is done, then the run waits for it', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD], shadow: [BAD, GOOD] });
    const run = analysisRun([metric('errors'), metric('shadow', { dryRun: true, interval: '10s', count: 2, failureLimit: 5 })]);
    const driver = new RunDriver(run, provider);
    const first = await driver.step(at(0));
    expect(first.status.phase).toBe('Running');
    expect(first.requeueAfterMs).toBe(10_000);
    const second = await driver.step(at(10));
    expect(second.status.phase).toBe('Successful');
    expect(second.status.dryRunSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
  });

  it('given only dry-run metrics, when they finish with failures and errors, then the run is Successful', async () => {
    const provider = new ScriptedProvider({ a: [BAD], b: [DOWN] });
    const run = analysisRun([metric('a', { dryRun: true }), metric('b', { dryRun: true, consecutiveErrorLimit: 0 })]);
    const step = await new RunDriver(run, provider).step(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(step.status.dryRunSummary).toEqual({ count: 2, successful: 0, failed: 1, inconclusive: 0, error: 1 });
    expect(step.status.message).toMatch(/^only dry-run metrics; dry-run: metric "a" Failed: .*; metric "b" Error: /);
  });

  it('given a real metric that fails, when a dry-run metric is still measuring, then the run is Failed and the dry one is noted', async () => {
    const provider = new ScriptedProvider({ errors: [BAD], shadow: [GOOD] });
    const run = analysisRun([metric('errors'), metric('shadow', { dryRun: true, interval: '10s' })]);
    const driver = new RunDriver(run, provider);
    const step = await driver.step(at(0));
    expect(step.status.phase).toBe('Failed');
    expect(step.status.message).toMatch(/^metric "errors" Failed: /);
    expect(driver.metricResult('shadow')).toMatchObject({ phase: 'Running', message: 'not measured further: the run ended Failed' });
  });
});

describe('spec.terminate', () => {
  it('given a running run, when terminated, then it is Successful with message "terminated" and its metrics end Successful', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '1m', count: 3 })]), provider);
    await driver.step(at(0));
    driver.terminate();
    const step = await driver.step(at(60));
    expect(step.status).toMatchObject({ phase: 'Successful', message: 'terminated' });
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Successful', count: 1, message: 'terminated after 1 measurement' });
    expect(provider.calls).toHaveLength(1);
  });

  it('given a run that already failed, when terminated, then it stays Failed', async () => {
    const provider = new ScriptedProvider({ errors: [BAD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '1m', count: 3 })]), provider);
    await driver.step(at(0));
    driver.terminate();
    const step = await driver.step(at(60));
    expect(step.status.phase).toBe('Failed');
    expect(step.status.message).toMatch(/^metric "errors" Failed/);
  });

  it('given a run terminated before its first step, when stepped, then nothing is measured and it is Successful', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const step = await new RunDriver(analysisRun([metric('errors')], { terminate: true }), provider).step(at(0));
    expect(step.status).toMatchObject({ phase: 'Successful', message: 'terminated' });
    expect(step.requeueAfterMs).toBeUndefined();
    expect(provider.calls).toHaveLength(0);
  });

  it('given an Error streak within its limit, when terminated, then the run is Successful (no limit was passed)', async () => {
    const provider = new ScriptedProvider({ errors: [DOWN, DOWN] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s' })]), provider);
    await driver.step(at(0));
    await driver.step(at(10));
    driver.terminate();
    expect((await driver.step(at(20))).status.phase).toBe('Successful');
  });
});
