import { describe, expect, it } from 'vitest';
import {
  assertValidAnalysisTemplate,
  validateAnalysisRun,
  validateAnalysisTemplate,
  validateClusterAnalysisTemplate,
} from './analysis-template-validation.js';
import { InvalidSpecError, type FieldError } from './field-error.js';
import { errorRateRun, errorRateTemplate } from './fixtures/analysis-templates.js';
import { loose, type Loose } from './fixtures/rollouts.js';

const M0 = 'spec.metrics[0]';
const PROM = `${M0}.provider.prometheus`;
const WEB = 'spec.metrics[1].provider.web';
const DURATION_RULE = 'must be a non-negative integer of seconds or a duration string like "30s", "5m", "1h"';
const err = (path: string, message: string): FieldError => ({ path, message });

interface Case {
  name: string;
  breakIt: (t: Loose) => void;
  errors: FieldError[];
}

const templateCases: Case[] = [
  { name: 'no metrics', breakIt: (t) => (t.spec.metrics = []), errors: [err('spec.metrics', 'must not be empty')] },
  { name: 'a missing metrics list', breakIt: (t) => delete t.spec.metrics, errors: [err('spec.metrics', 'is required')] },
  {
    name: 'two metrics with one name',
    breakIt: (t) => (t.spec.metrics[1].name = 'error-rate'),
    errors: [
      err('spec.metrics[1].name', 'duplicate name "error-rate"'),
    ],
  },
  { name: 'a metric without provider', breakIt: (t) => delete t.spec.metrics[0].provider, errors: [err(`${M0}.provider`, 'is required')] },
  {
    name: 'an empty provider',
    breakIt: (t) => (t.spec.metrics[0].provider = {}),
    errors: [err(`${M0}.provider`, 'must set one of prometheus, web, job, judge')],
  },
  {
    name: 'two providers in one metric',
    breakIt: (t) => (t.spec.metrics[0].provider.web = { url: 'http://127.0.0.1/' }),
    errors: [err(`${M0}.provider`, 'must set only one of prometheus, web, job, judge, found prometheus and web')],
  },
  {
    name: 'an unknown provider',
    breakIt: (t) => (t.spec.metrics[0].provider = { stackdriver: { query: 'x' } }),
    errors: [err(`${M0}.provider`, 'unknown provider "stackdriver"')],
  },
  {
    name: 'an Argo Rollouts provider Vane lacks',
    breakIt: (t) => (t.spec.metrics[0].provider = { datadog: { query: 'x' } }),
    errors: [
      err(`${M0}.provider.datadog`, 'Argo Rollouts field "datadog" is not supported by Vane; remove it (docs/argo-rollouts.md lists what is supported)'),
    ],
  },
  { name: 'an interval that is no duration', breakIt: (t) => (t.spec.metrics[0].interval = 'often'), errors: [err(`${M0}.interval`, DURATION_RULE)] },
  { name: 'a zero interval', breakIt: (t) => (t.spec.metrics[0].interval = '0s'), errors: [err(`${M0}.interval`, 'must be greater than zero')] },
  {
    name: 'an initialDelay that is no duration',
    breakIt: (t) => (t.spec.metrics[0].initialDelay = 'soon'),
    errors: [err(`${M0}.initialDelay`, DURATION_RULE)],
  },
  { name: 'a count of 0', breakIt: (t) => (t.spec.metrics[0].count = 0), errors: [err(`${M0}.count`, 'must be greater than or equal to 1')] },
  {
    name: 'a count above 1 without interval',
    breakIt: (t) => delete t.spec.metrics[0].interval,
    errors: [err(`${M0}.interval`, 'is required when count is greater than 1')],
  },
  {
    name: 'negative limits',
    breakIt: (t) => Object.assign(t.spec.metrics[0], { failureLimit: -2, inconclusiveLimit: -1, consecutiveErrorLimit: -1, consecutiveSuccessLimit: -1 }),
    errors: [
      err(`${M0}.failureLimit`, 'must be greater than or equal to -1'),
      ...['consecutiveSuccessLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'].map((l) => err(`${M0}.${l}`, 'must be greater than or equal to 0')),
    ],
  },
  {
    name: 'two args with one name',
    breakIt: (t) => t.spec.args.push({ name: 'service', value: 'x' }),
    errors: [err('spec.args[2].name', 'duplicate name "service"')],
  },
  {
    name: 'an arg with both value and valueFrom',
    breakIt: (t) => (t.spec.args[1].valueFrom = { fieldRef: { fieldPath: 'metadata.name' } }),
    errors: [err('spec.args[1]', 'must set only one of value, valueFrom')],
  },
  {
    name: 'an arg from both a secret and a field',
    breakIt: (t) =>
      (t.spec.args[0].valueFrom = { secretKeyRef: { name: 's', key: 'k' }, fieldRef: { fieldPath: 'metadata.name' } }),
    errors: [err('spec.args[0].valueFrom', 'must set only one of secretKeyRef, fieldRef, found secretKeyRef and fieldRef')],
  },
  {
    name: 'an arg from a fieldRef label without quotes',
    breakIt: (t) => (t.spec.args[0].valueFrom = { fieldRef: { fieldPath: 'metadata.labels[app]' } }),
    errors: [
      err(
        'spec.args[0].valueFrom.fieldRef.fieldPath',
        `fieldPath "metadata.labels[app]" is not supported; use metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'] or a path to a field such as spec.replicas`,
      ),
    ],
  },
  {
    name: 'a secretKeyRef without key',
    breakIt: (t) => (t.spec.args[0].valueFrom = { secretKeyRef: { name: 's' } }),
    errors: [err('spec.args[0].valueFrom.secretKeyRef.key', 'is required')],
  },
  {
    name: 'a negative measurementRetention limit (0 keeps the default, as in Argo)',
    breakIt: (t) => (t.spec.measurementRetention[0].limit = -1),
    errors: [err('spec.measurementRetention[0].limit', 'must be greater than or equal to 0')],
  },
  {
    name: 'two dryRun rules with one metricName',
    breakIt: (t) => (t.spec.dryRun = [{ metricName: 'error.*' }, { metricName: 'error.*' }]),
    errors: [err('spec.dryRun[1].metricName', 'duplicate metricName "error.*"')],
  },
  {
    name: 'a dryRun rule without metricName',
    breakIt: (t) => (t.spec.dryRun = [{}]),
    errors: [err('spec.dryRun[0].metricName', 'is required')],
  },
  { name: 'an empty query', breakIt: (t) => (t.spec.metrics[0].provider.prometheus.query = ' '), errors: [err(`${PROM}.query`, 'must not be empty')] },
  {
    name: 'an address that is not a URL',
    breakIt: (t) => (t.spec.metrics[0].provider.prometheus.address = 'prometheus:9090'),
    errors: [err(`${PROM}.address`, 'must be an http:// or https:// URL')],
  },
  {
    name: 'a query using an undeclared argument',
    breakIt: (t) => (t.spec.metrics[0].provider.prometheus.query = 'up{namespace="{{ args.namespace }}"}'),
    errors: [err(`${PROM}.query`, 'refers to undeclared argument "namespace"')],
  },
  {
    name: 'a range query with a bad lookback and no step',
    breakIt: (t) => (t.spec.metrics[0].provider.prometheus.range = { lookback: 'a while' }),
    errors: [err(`${PROM}.range.lookback`, DURATION_RULE), err(`${PROM}.range.step`, 'is required')],
  },
  {
    name: 'a bearer token secret without a name',
    breakIt: (t) => (t.spec.metrics[0].provider.prometheus.authentication = { bearerTokenSecretRef: { key: 'token' } }),
    errors: [err(`${PROM}.authentication.bearerTokenSecretRef.name`, 'is required')],
  },
  {
    name: 'a web body with GET',
    breakIt: (t) => (t.spec.metrics[1].provider.web.body = '{}'),
    errors: [err(`${WEB}.body`, 'may only be set when method is POST')],
  },
  {
    name: 'a web jsonPath without "$" or braces',
    breakIt: (t) => (t.spec.metrics[1].provider.web.jsonPath = 'data.status'),
    errors: [err(`${WEB}.jsonPath`, 'must be a JSON path such as "$.data.value", or in braces as Argo Rollouts writes it: "{$.data.value}"')],
  },
  {
    name: 'an unknown web method',
    breakIt: (t) => (t.spec.metrics[1].provider.web.method = 'DELETE'),
    errors: [err(`${WEB}.method`, 'must be one of "GET", "POST", got "DELETE"')],
  },
  {
    name: 'a header with neither value nor valueFrom',
    breakIt: (t) => (t.spec.metrics[1].provider.web.headers = [{ key: 'Authorization' }]),
    errors: [err(`${WEB}.headers[0]`, 'must set one of value, valueFrom')],
  },
  {
    name: 'a header value using an undeclared argument',
    breakIt: (t) => (t.spec.metrics[1].provider.web.headers = [{ key: 'X-Tenant', value: '{{args.tenant}}' }]),
    errors: [err(`${WEB}.headers[0].value`, 'refers to undeclared argument "tenant"')],
  },
  { name: 'a ClusterAnalysisTemplate named as a Rollout', breakIt: (t) => (t.kind = 'Rollout'), errors: [err('kind', 'must be one of "AnalysisTemplate", "ClusterAnalysisTemplate", got "Rollout"')] },
];

const runCases: Case[] = [
  {
    name: 'an argument left unresolved',
    breakIt: (r) => (r.spec.args[0] = { name: 'service' }),
    errors: [err('spec.args[0].value', 'is required: a run holds its arguments resolved')],
  },
  {
    name: 'an argument still pointing at a field',
    breakIt: (r) => (r.spec.args[0] = { name: 'service', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }),
    errors: [err('spec.args[0].valueFrom.fieldRef', 'must be resolved to a value before the run is created')],
  },
  { name: 'a non-boolean terminate', breakIt: (r) => (r.spec.terminate = 'yes'), errors: [err('spec.terminate', 'must be a boolean')] },
  { name: 'no metrics', breakIt: (r) => (r.spec.metrics = []), errors: [err('spec.metrics', 'must not be empty')] },
];

describe('validateAnalysisTemplate', () => {
  it('given a valid AnalysisTemplate and the same as a ClusterAnalysisTemplate, then there are no errors', () => {
    expect(validateAnalysisTemplate(errorRateTemplate())).toEqual([]);
    const cluster = { ...errorRateTemplate(), kind: 'ClusterAnalysisTemplate' as const, metadata: { name: 'error-rate' } };
    expect(validateAnalysisTemplate(cluster)).toEqual([]);
    expect(validateClusterAnalysisTemplate(cluster)).toEqual([]);
  });

  it.each(templateCases)('given $name, then it reports exactly that rule', ({ breakIt, errors }) => {
    const template = loose(errorRateTemplate());
    breakIt(template);
    expect(validateAnalysisTemplate(template)).toEqual(errors);
  });

  it('given an AnalysisTemplate where a ClusterAnalysisTemplate is expected, then the kind is wrong', () => {
    expect(validateClusterAnalysisTemplate(errorRateTemplate())).toEqual([
      err('kind', 'must be one of "ClusterAnalysisTemplate", got "AnalysisTemplate"'),
    ]);
  });

  it('given an invalid template, when asserted, then it throws InvalidSpecError', () => {
    const t = loose(errorRateTemplate());
    t.spec.metrics = [];
    expect(() => assertValidAnalysisTemplate(t)).toThrow(InvalidSpecError);
    expect(() => assertValidAnalysisTemplate(t)).toThrow('spec.metrics: must not be empty');
  });
});

describe('validateAnalysisRun', () => {
  it('given a run with resolved arguments, then there are no errors', () => {
    expect(validateAnalysisRun(errorRateRun())).toEqual([]);
    expect(validateAnalysisRun({ ...errorRateRun(), spec: { ...errorRateRun().spec, terminate: true } })).toEqual([]);
  });

  it('given a run whose argument is a secret reference, then it is accepted (secrets are read when measuring)', () => {
    const run = loose(errorRateRun());
    run.spec.args[0] = { name: 'service', valueFrom: { secretKeyRef: { name: 'shop', key: 'service' } } };
    expect(validateAnalysisRun(run)).toEqual([]);
  });

  it.each(runCases)('given $name, then it reports exactly that rule', ({ breakIt, errors }) => {
    const run = loose(errorRateRun());
    breakIt(run);
    expect(validateAnalysisRun(run)).toEqual(errors);
  });
});
