// Specification of schedule fields filled from arguments, as Argo Rollouts users write them
// (test/e2e/functional/rollout-secret-withArgs.yaml: `count: "{{args.analysis-runs}}"`, `interval: "{{args.analysis-interval}}"`).
// @covers spec.metrics[].count
// @covers spec.metrics[].interval
// @covers spec.metrics[].initialDelay
// @covers spec.metrics[].failureLimit
// @covers spec.metrics[].inconclusiveLimit
// @covers spec.metrics[].consecutiveErrorLimit
import { describe, expect, it } from 'vitest';
import { validateAnalysisTemplate } from '../../../src/resources/analysis-template-validation.js';
import { RunDriver, ScriptedProvider, analysisRun, at, failure, metric, value } from './fixtures/scripted-analysis.js';

const GOOD = value([0.001]);
const BAD = value([0.5]);

const argScheduled = metric('errors', {
  interval: '{{args.every}}',
  initialDelay: '{{args.delay}}',
  count: '{{args.runs}}',
  failureLimit: '{{args.failures}}',
  successCondition: 'result[0] < 0.01',
});
const args = [
  { name: 'every', value: '1m' },
  { name: 'delay', value: '30s' },
  { name: 'runs', value: '3' },
  { name: 'failures', value: '1' },
];

describe('count, limits, interval and initialDelay from arguments', () => {
  it('given them as placeholders, when stepped, then the run measures at 30s, 90s, 150s and tolerates one failure', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, BAD, GOOD] });
    const driver = new RunDriver(analysisRun([argScheduled], { args }), provider);
    const first = await driver.step(at(0));
    expect(first.requeueAfterMs).toBe(30_000);
    await driver.step(at(30));
    await driver.step(at(90));
    const last = await driver.step(at(150));
    expect(provider.calls).toHaveLength(3);
    expect(last.status.phase).toBe('Successful');
    expect(driver.metricResult('errors')).toMatchObject({ count: 3, failed: 1, successful: 2 });
  });

  it('given the failure limit argument at 0, when one measurement fails, then the metric fails', async () => {
    const strict = args.map((a) => (a.name === 'failures' ? { ...a, value: '0' } : a));
    const provider = new ScriptedProvider({ errors: [BAD] });
    const driver = new RunDriver(analysisRun([argScheduled], { args: strict }), provider);
    await driver.step(at(0));
    await driver.step(at(30));
    expect(driver.metricResult('errors').phase).toBe('Failed');
  });

  it('given a count argument that is not an integer, when stepped, then the metric is an Error naming the field and the value', async () => {
    const wrong = args.map((a) => (a.name === 'runs' ? { ...a, value: 'three' } : a));
    const provider = new ScriptedProvider({ errors: [GOOD] });
    const driver = new RunDriver(analysisRun([argScheduled], { args: wrong }), provider);
    const step = await driver.step(at(30));
    expect(provider.calls).toHaveLength(0);
    expect(step.status.phase).toBe('Error');
    expect(driver.metricResult('errors').message).toContain('count: "three" (from {{args.runs}}) is not a non-negative integer');
  });

  it('given a count argument read from a Secret, when stepped, then the metric is an Error saying a Secret cannot set count', async () => {
    const secret = args.map((a) => (a.name === 'runs' ? { name: 'runs', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } } : a));
    const driver = new RunDriver(analysisRun([argScheduled], { args: secret }), new ScriptedProvider({ errors: [failure('BadQuery', 'unused')] }));
    await driver.step(at(30));
    expect(driver.metricResult('errors').message).toContain('count: argument "runs" has no plain value (an argument from a Secret cannot set count)');
  });

  it('given count as a decimal string, when stepped, then it counts as that integer (int-or-string)', async () => {
    const provider = new ScriptedProvider({ errors: [GOOD, GOOD] });
    const driver = new RunDriver(analysisRun([metric('errors', { count: '2', interval: '10s' })]), provider);
    await driver.step(at(0));
    const step = await driver.step(at(10));
    expect(step.status.phase).toBe('Successful');
    expect(provider.calls).toHaveLength(2);
  });
});

describe('validation of schedule placeholders', () => {
  function template(fields: Record<string, unknown>, declared: string[]) {
    return {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 't', namespace: 'shop' },
      spec: {
        args: declared.map((name) => ({ name })),
        metrics: [{ name: 'm', provider: { web: { url: 'http://x/' } }, ...fields }],
      },
    };
  }

  it('given placeholders naming declared arguments, when validated, then the template is accepted', () => {
    expect(validateAnalysisTemplate(template({ count: '{{args.n}}', interval: '{{args.i}}', failureLimit: '{{args.f}}' }, ['n', 'i', 'f']))).toEqual([]);
  });

  it('given a placeholder naming no declared argument, when validated, then the field is named', () => {
    expect(validateAnalysisTemplate(template({ count: '{{args.missing}}' }, []))).toEqual([
      { path: 'spec.metrics[0].count', message: 'refers to undeclared argument "missing"' },
    ]);
  });

  it('given text that is neither an integer nor a placeholder, when validated, then count is rejected', () => {
    const errors = validateAnalysisTemplate(template({ count: 'many' }, []));
    expect(errors.map((e) => e.path)).toEqual(['spec.metrics[0].count']);
  });
});
