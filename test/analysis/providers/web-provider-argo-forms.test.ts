// Specification of the web provider fields as Argo Rollouts users write them (docs/analysis/web.md): a JSON path in
// kubectl's braces, `{$.data.ok}`, and `insecure: true` for a server whose certificate is not trusted.
// @covers spec.metrics[].provider.web.jsonPath
// @covers spec.metrics[].provider.web.insecure
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebProvider } from '../../../src/analysis/providers/web-provider.js';
import type { Metric, WebMetric } from '../../../src/resources/analysis.js';
import { validateAnalysisTemplate } from '../../../src/resources/analysis-template-validation.js';
import { sandboxTlsMaterial } from '../../../src/sandbox/certificate-authority.js';
import { measureContext } from '../support/measure-context.js';
import { metricFailure } from '../support/metric-failure.js';

const ANSWER = { message: 'It worked!', data: { ok: true, rates: [0.01, 0.02] } };
const provider = new WebProvider();
let server: Server;
let url: string;

beforeAll(async () => {
  const tls = await sandboxTlsMaterial();
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(ANSWER));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function metric(web: Partial<WebMetric>): Metric {
  return { name: 'status', provider: { web: { url, insecure: true, ...web } } };
}

describe('jsonPath in braces', () => {
  it.each([
    ['{$.message}', 'It worked!'],
    ['{.data.ok}', true],
    ['{$.data.rates[1]}', 0.02],
    ['$.data.rates[0]', 0.01],
  ])('given %s, when measuring, then it selects what kubectl JSONPath would', async (jsonPath, expected) => {
    const value = await provider.measure(metric({ jsonPath }), measureContext());
    expect(value.result).toEqual(expected);
  });

  it('given a braced path in a template, when validated, then it is accepted; a bare name is rejected naming both forms', () => {
    const template = (jsonPath: string) => ({
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 't', namespace: 'shop' },
      spec: { metrics: [{ name: 'm', provider: { web: { url: 'https://x/', jsonPath } } }] },
    });
    expect(validateAnalysisTemplate(template('{$.message}'))).toEqual([]);
    expect(validateAnalysisTemplate(template('message'))).toEqual([
      {
        path: 'spec.metrics[0].provider.web.jsonPath',
        message: 'must be a JSON path such as "$.data.value", or in braces as Argo Rollouts writes it: "{$.data.value}"',
      },
    ]);
  });
});

describe('insecure', () => {
  it('given a server with a certificate no one trusts and insecure: true, when measuring, then the answer is read', async () => {
    const value = await provider.measure(metric({ jsonPath: '{$.message}' }), measureContext());
    expect(value.result).toBe('It worked!');
  });

  it('given the same server without insecure, when measuring, then the certificate is refused', async () => {
    const failure = await metricFailure(provider.measure(metric({ insecure: false }), measureContext()));
    expect(failure.message).toMatch(/certificate/i);
  });

  it('given an insecure metric measured first, when a verifying metric measures next, then verification still applies', async () => {
    await provider.measure(metric({}), measureContext());
    const failure = await metricFailure(provider.measure(metric({ insecure: undefined }), measureContext()));
    expect(failure.message).toMatch(/certificate/i);
  });
});
