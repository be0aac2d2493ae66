// Specification of metrics[].consecutiveSuccessLimit with failureLimit (Argo docs features/analysis.md
// "ConsecutiveSuccessLimit and FailureLimit", Argo ≥ 1.8).
// @covers spec.metrics[].consecutiveSuccessLimit
// @covers spec.metrics[].failureLimit
import { describe, expect, it } from 'vitest';
import { validateAnalysisTemplate } from '../../../src/resources/analysis-template-validation.js';
import { errorRateTemplate } from '../../../src/resources/fixtures/analysis-templates.js';
import { loose } from '../../../src/resources/fixtures/rollouts.js';
import { RunDriver, ScriptedProvider, analysisRun, at, metric, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);
const BAD = value([0.2]);

describe('only consecutiveSuccessLimit applicable (failureLimit -1)', () => {
  it('given consecutiveSuccessLimit 2 and no count, when failures come before two successes in a row, then the metric keeps measuring and succeeds on the second success', async () => {
    const provider = new ScriptedProvider({ errors: [BAD, GOOD, BAD, GOOD, GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s', failureLimit: -1, consecutiveSuccessLimit: 2 })]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Successful');
    expect(provider.calls).toHaveLength(5);
    expect(driver.metricResult('errors')).toMatchObject({ phase: 'Successful', failed: 2, successful: 3, consecutiveSuccess: 2 });
    expect(driver.metricResult('errors').message).toMatch(/^2 consecutive successful measurements \(consecutiveSuccessLimit 2\)/);
  });

  it('given count 3 reached without the streak, then the metric is Failed (the failure limit is disabled)', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, BAD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s', count: 3, failureLimit: -1, consecutiveSuccessLimit: 2 })]), provider);
    const step = await driver.runToEnd(at(0));
    expect(step.status.phase).toBe('Failed');
    expect(driver.metricResult('errors').message).toMatch(/^count reached with 1 consecutive successful measurements \(consecutiveSuccessLimit 2\)/);
  });
});

describe('both failureLimit and consecutiveSuccessLimit applicable', () => {
  it('given failureLimit 1 and consecutiveSuccessLimit 3, when a second failure comes first, then the metric is Failed', async () => {
    const provider = new ScriptedProvider({ errors: [BAD, GOOD, BAD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s', failureLimit: 1, consecutiveSuccessLimit: 3 })]), provider);
    expect((await driver.runToEnd(at(0))).status.phase).toBe('Failed');
    expect(provider.calls).toHaveLength(3);
  });

  it('given failureLimit 1, consecutiveSuccessLimit 2 and count 3, when count is reached within the failure limit but without the streak, then the metric is Inconclusive', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, BAD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s', count: 3, failureLimit: 1, consecutiveSuccessLimit: 2 })]), provider);
    expect((await driver.runToEnd(at(0))).status.phase).toBe('Inconclusive');
  });

  it('given the limit from an argument "{{args.streak}}", then it is resolved like Argo\'s int-or-string limits', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD] });
    const run = analysisRun([metric('errors', { interval: '10s', consecutiveSuccessLimit: '{{args.streak}}' })], { args: [{ name: 'streak', value: '2' }] });
    const driver = new RunDriver(run, provider);
    expect((await driver.runToEnd(at(0))).status.phase).toBe('Successful');
    expect(provider.calls).toHaveLength(2);
  });

  it('given a terminated run before the streak, then the metric ends Successful (Argo: consecutiveSuccessLimit does not affect termination)', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { interval: '10s', consecutiveSuccessLimit: 5 })]), provider);
    await driver.step(at(0));
    driver.terminate();
    expect((await driver.step(at(10))).status.phase).toBe('Successful');
  });
});

describe('validation', () => {
  it('given failureLimit -1 without a consecutiveSuccessLimit, then the template is rejected naming failureLimit', () => {
    const template = loose(errorRateTemplate());
    template.spec.metrics[0].failureLimit = -1;
    expect(validateAnalysisTemplate(template)).toEqual([
      { path: 'spec.metrics[0].failureLimit', message: 'is -1 (disabled), so consecutiveSuccessLimit must be above 0: one of them has to decide the metric' },
    ]);
  });

  it('given failureLimit -1 and consecutiveSuccessLimit 3, then the template is valid; -2 is not', () => {
    const template = loose(errorRateTemplate());
    template.spec.metrics[0].failureLimit = -1;
    template.spec.metrics[0].consecutiveSuccessLimit = 3;
    expect(validateAnalysisTemplate(template)).toEqual([]);
    template.spec.metrics[0].failureLimit = -2;
    expect(validateAnalysisTemplate(template).map((e) => e.path)).toEqual(['spec.metrics[0].failureLimit']);
  });
});
