// Specification of the judge provider's validation: a bad judge spec is refused naming the field, by the controller's
// validation and by `vane lint` alike (docs/judge.md).
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { lintSources } from '../cli/lint-command.js';
import { validateAnalysisRun, validateAnalysisTemplate } from './analysis-template-validation.js';
import type { FieldError } from './field-error.js';
import type { Loose } from './fixtures/rollouts.js';

const JUDGE = 'spec.metrics[0].provider.judge';
const Q0 = `${JUDGE}.metrics[0]`;

function judgeTemplate(): Loose {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'canary-judgement', namespace: 'default' },
    spec: {
      args: [{ name: 'baseline-hash' }, { name: 'canary-hash' }],
      metrics: [
        {
          name: 'canary-judgement',
          provider: {
            judge: {
              prometheus: { address: 'http://prometheus:9090', timeout: '30s' },
              lookback: '10m',
              step: '15s',
              thresholds: { marginal: 75, pass: 95 },
              confidence: 0.95,
              groups: { latency: 2, errors: 1 },
              metrics: [
                {
                  name: 'latency-p95',
                  group: 'latency',
                  baseline: 'latency{hash="{{args.baseline-hash}}"}',
                  canary: 'latency{hash="{{args.canary-hash}}"}',
                  direction: 'increase',
                  tolerance: { increase: 0.1, decrease: 0.1 },
                  effectSize: 'ratio',
                  critical: false,
                  minSamples: 10,
                  outliers: 'keep',
                  nanStrategy: 'remove',
                },
                { name: 'errors', group: 'errors', baseline: 'errors{hash="a"}', canary: 'errors{hash="b"}' },
              ],
            },
          },
        },
      ],
    },
  };
}

function errorsAfter(breakIt: (t: Loose) => void): FieldError[] {
  const template = judgeTemplate();
  breakIt(template);
  return validateAnalysisTemplate(template);
}

const judgeOf = (t: Loose): Loose => t.spec.metrics[0].provider.judge;
const err = (path: string, message: string): FieldError => ({ path, message });

describe('judge provider validation', () => {
  it('given the documented judge template, then it is accepted', () => {
    expect(validateAnalysisTemplate(judgeTemplate())).toEqual([]);
  });

  it('given a judge with only its source and one metric, then the defaults make it valid', () => {
    expect(
      errorsAfter((t) => {
        t.spec.metrics[0].provider.judge = { prometheus: { address: 'http://prometheus:9090' }, metrics: [{ name: 'm', baseline: 'a', canary: 'b' }] };
      }),
    ).toEqual([]);
  });

  it.each<[string, (t: Loose) => void, FieldError[]]>([
    ['no prometheus source', (t) => delete judgeOf(t).prometheus, [err(`${JUDGE}.prometheus`, 'is required')]],
    ['a source that is not a URL', (t) => (judgeOf(t).prometheus.address = 'prometheus:9090'), [err(`${JUDGE}.prometheus.address`, 'must be an http:// or https:// URL')]],
    ['a lookback of zero', (t) => (judgeOf(t).lookback = '0s'), [err(`${JUDGE}.lookback`, 'must be greater than zero')]],
    ['a step that is not a duration', (t) => (judgeOf(t).step = 'often'), [err(`${JUDGE}.step`, 'must be a non-negative integer of seconds or a duration string like "30s", "5m", "1h"')]],
    ['a step longer than the lookback', (t) => Object.assign(judgeOf(t), { lookback: '1m', step: '5m' }), [err(`${JUDGE}.step`, 'must not be longer than lookback (60s): the window would hold one point')]],
    ['a step longer than the default lookback', (t) => (judgeOf(t).lookback = undefined, judgeOf(t).step = '11m'), [err(`${JUDGE}.step`, 'must not be longer than lookback (600s): the window would hold one point')]],
    ['more points than Prometheus answers', (t) => Object.assign(judgeOf(t), { lookback: '24h', step: '1s' }), [err(`${JUDGE}.step`, 'gives 86400 points over lookback; Prometheus answers at most 11000 per series')]],
    ['a pass threshold above 100', (t) => (judgeOf(t).thresholds.pass = 101), [err(`${JUDGE}.thresholds.pass`, 'must be between 0 and 100, got 101')]],
    ['a negative marginal threshold', (t) => (judgeOf(t).thresholds.marginal = -1), [err(`${JUDGE}.thresholds.marginal`, 'must be between 0 and 100, got -1')]],
    ['marginal above pass', (t) => (judgeOf(t).thresholds = { marginal: 90, pass: 80 }), [err(`${JUDGE}.thresholds`, 'marginal (90) must not be above pass (80)')]],
    ['a pass threshold alone below the default marginal', (t) => (judgeOf(t).thresholds = { pass: 50 }), [err(`${JUDGE}.thresholds`, 'marginal (75) must not be above pass (50)')]],
    ['a threshold that is a string', (t) => (judgeOf(t).thresholds.pass = '95'), [err(`${JUDGE}.thresholds.pass`, 'must be a number')]],
    ['a confidence of 1', (t) => (judgeOf(t).confidence = 1), [err(`${JUDGE}.confidence`, 'must be between 0 and 1 (exclusive), got 1')]],
    ['a confidence of 0', (t) => (judgeOf(t).confidence = 0), [err(`${JUDGE}.confidence`, 'must be between 0 and 1 (exclusive), got 0')]],
    ['a confidence given in percent', (t) => (judgeOf(t).confidence = 95), [err(`${JUDGE}.confidence`, 'must be between 0 and 1 (exclusive), got 95')]],
    ['a group weight of zero', (t) => (judgeOf(t).groups.errors = 0), [err(`${JUDGE}.groups.errors`, 'must be a weight greater than 0, got 0')]],
    ['a negative group weight', (t) => (judgeOf(t).groups.latency = -2), [err(`${JUDGE}.groups.latency`, 'must be a weight greater than 0, got -2')]],
    ['no metrics', (t) => (judgeOf(t).metrics = []), [err(`${JUDGE}.metrics`, 'must not be empty')]],
    ['a missing metrics list', (t) => delete judgeOf(t).metrics, [err(`${JUDGE}.metrics`, 'is required')]],
    ['two metrics with one name', (t) => (judgeOf(t).metrics[1].name = 'latency-p95'), [err(`${JUDGE}.metrics[1].name`, 'duplicate name "latency-p95"')]],
    ['a metric without a name', (t) => delete judgeOf(t).metrics[0].name, [err(`${Q0}.name`, 'is required')]],
    ['a metric without a canary query', (t) => delete judgeOf(t).metrics[0].canary, [err(`${Q0}.canary`, 'is required')]],
    ['an empty baseline query', (t) => (judgeOf(t).metrics[0].baseline = ' '), [err(`${Q0}.baseline`, 'must not be empty')]],
    ['a query naming an undeclared argument', (t) => (judgeOf(t).metrics[0].canary = 'x{hash="{{args.nope}}"}'), [err(`${Q0}.canary`, 'refers to undeclared argument "nope"')]],
    ['a metric naming an undeclared group', (t) => (judgeOf(t).metrics[0].group = 'latncy'), [err(`${Q0}.group`, 'names group "latncy", which judge.groups does not declare (declared: latency, errors)')]],
    ['an unknown direction', (t) => (judgeOf(t).metrics[0].direction = 'up'), [err(`${Q0}.direction`, 'must be one of "increase", "decrease", "either", got "up"')]],
    ['an unknown effect size', (t) => (judgeOf(t).metrics[0].effectSize = 'cohen'), [err(`${Q0}.effectSize`, 'must be one of "ratio", "hodgesLehmann", got "cohen"')]],
    ['an unknown outlier rule', (t) => (judgeOf(t).metrics[0].outliers = 'trim'), [err(`${Q0}.outliers`, 'must be one of "keep", "remove", got "trim"')]],
    ['an unknown NaN strategy', (t) => (judgeOf(t).metrics[0].nanStrategy = 'ignore'), [err(`${Q0}.nanStrategy`, 'must be one of "remove", "replaceWithZero", got "ignore"')]],
    ['a negative tolerance', (t) => (judgeOf(t).metrics[0].tolerance.decrease = -0.1), [err(`${Q0}.tolerance.decrease`, 'must be at least 0, got -0.1')]],
    ['a minSamples of 2', (t) => (judgeOf(t).metrics[0].minSamples = 2), [err(`${Q0}.minSamples`, 'must be greater than or equal to 3')]],
    ['a fractional minSamples', (t) => (judgeOf(t).metrics[0].minSamples = 9.5), [err(`${Q0}.minSamples`, 'must be an integer')]],
    ['a critical flag that is a string', (t) => (judgeOf(t).metrics[0].critical = 'yes'), [err(`${Q0}.critical`, 'must be a boolean')]],
  ])('given %s, then it is refused naming the field', (_name, breakIt, expected) => {
    expect(errorsAfter(breakIt)).toEqual(expected);
  });

  it('given groups are not declared, then a metric may name any group (weight 1)', () => {
    expect(errorsAfter((t) => delete judgeOf(t).groups)).toEqual([]);
  });

  it('given more than 50 metrics, then the judge is refused (its measurement must stay small)', () => {
    const errors = errorsAfter((t) => {
      judgeOf(t).metrics = Array.from({ length: 51 }, (_, i) => ({ name: `m${i}`, baseline: 'a', canary: 'b' }));
    });
    expect(errors).toEqual([err(`${JUDGE}.metrics`, 'must hold at most 50 metrics, got 51')]);
  });

  it('given a judge and a prometheus provider on one metric, then it is refused as two providers', () => {
    const errors = errorsAfter((t) => (t.spec.metrics[0].provider.prometheus = { address: 'http://p:9090', query: 'up' }));
    expect(errors).toEqual([err('spec.metrics[0].provider', 'must set only one of prometheus, web, job, judge, found prometheus and judge')]);
  });

  it('given an AnalysisRun whose judge has a bad confidence, then the controller validation refuses it too', () => {
    const run = judgeTemplate();
    run.kind = 'AnalysisRun';
    run.spec.args = [{ name: 'baseline-hash', value: 'a' }, { name: 'canary-hash', value: 'b' }];
    judgeOf(run).confidence = 2;
    expect(validateAnalysisRun(run)).toEqual([err(`${JUDGE}.confidence`, 'must be between 0 and 1 (exclusive), got 2')]);
  });

  it('given a manifest with judge errors, then vane lint reports each with its field path', () => {
    const template = judgeTemplate();
    judgeOf(template).metrics[0].direction = 'sideways';
    judgeOf(template).groups.errors = 0;
    const report = lintSources([{ source: 'judge.yaml', text: yaml.dump(template) }]);
    const paths = report.findings.flatMap((f) => f.errors.map((e) => e.path));
    expect(paths).toContain(`${Q0}.direction`);
    expect(paths).toContain(`${JUDGE}.groups.errors`);
  });
});
