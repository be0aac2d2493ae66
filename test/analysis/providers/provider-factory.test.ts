// Specification of createProviderFor: the one provider a metric names, shared, and a TerminalError otherwise.
import { describe, expect, it } from 'vitest';
import { createProviderFor } from '../../../src/analysis/providers/provider-factory.js';
import { TerminalError } from '../../../src/errors.js';
import type { Metric } from '../../../src/resources/analysis.js';
import { FakeJobClient } from '../support/fake-job-client.js';

const prometheus: Metric = { name: 'errors', provider: { prometheus: { address: 'http://prometheus:9090', query: 'up' } } };
const web: Metric = { name: 'stats', provider: { web: { url: 'http://stats/api' } } };
const job: Metric = { name: 'smoke', provider: { job: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } } };
const judge: Metric = { name: 'judgement', provider: { judge: { prometheus: { address: 'http://prometheus:9090' }, metrics: [{ name: 'latency', baseline: 'a', canary: 'b' }] } } };
const providerFor = createProviderFor(new FakeJobClient());

describe('createProviderFor', () => {
  it('given prometheus, web, job and judge metrics, when asked twice, then each gets its provider type, the same instance each time', () => {
    expect(providerFor(prometheus).type).toBe('prometheus');
    expect(providerFor(web).type).toBe('web');
    expect(providerFor(job).type).toBe('job');
    expect(providerFor(judge).type).toBe('judge');
    expect(providerFor({ ...judge, name: 'other' })).toBe(providerFor(judge));
    expect(providerFor({ ...prometheus, name: 'other' })).toBe(providerFor(prometheus));
  });

  it.each([
    { provider: {}, message: 'metric "broken" has no provider' },
    { provider: { datadog: { query: 'x' } }, message: 'metric "broken" has an unknown provider "datadog"' },
    { provider: { prometheus: prometheus.provider.prometheus, web: web.provider.web }, message: 'metric "broken" sets several providers (prometheus, web)' },
  ])('given provider $provider, when picking, then a TerminalError: $message', ({ provider, message }) => {
    const metric = { name: 'broken', provider } as Metric;

    expect(() => providerFor(metric)).toThrow(TerminalError);
    expect(() => providerFor(metric)).toThrow(message);
  });
});
