import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { lintSources } from '../cli/lint-command.js';
import { importManifests } from './import-manifests.js';

/** A Flagger Canary for Deployment podinfo in namespace test; `analysis` and `extra` are YAML at spec level. */
function canary(analysis: string, extra = '', provider = 'istio'): string {
  return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: ${provider}
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
${extra}  analysis:
${analysis}`;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: test}
spec:
  replicas: 3
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec: {containers: [{name: podinfod, image: "stefanprodan/podinfo:6.0.0"}]}
`;

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function run(text: string, options = {}): { docs: Doc[]; entries: ReturnType<typeof importManifests>['report']['entries'] } {
  const result = importManifests([{ source: 'in.yaml', text }], options);
  return { docs: result.files.flatMap((f) => f.documents) as Doc[], entries: result.report.entries };
}

function find(docs: Doc[], kind: string, name?: string): Doc {
  const found = docs.find((d) => d['kind'] === kind && (name === undefined || d['metadata']?.name === name));
  if (found === undefined) throw new Error(`no ${kind} ${name ?? ''} in ${docs.map((d) => d['kind']).join(', ')}`);
  return found;
}

function weights(rollout: Doc): number[] {
  return (rollout['spec'].strategy.canary.steps as Doc[]).flatMap((s) => (s['setWeight'] === undefined ? [] : [s['setWeight'] as number]));
}

describe('Flagger Canary import', () => {
  it('given stepWeight 20 and maxWeight 50, then the weights are 20, 40, 60, each held one interval (Flagger docs deployment-strategies.md "Rollout Weights")', () => {
    const { docs } = run(canary('    interval: 30s\n    threshold: 5\n    maxWeight: 50\n    stepWeight: 20\n'));
    const rollout = find(docs, 'Rollout');
    expect(weights(rollout)).toEqual([20, 40, 60]);
    expect(rollout['spec'].strategy.canary.steps[1]).toEqual({ pause: { duration: '30s' } });
  });

  it('given stepWeights, then they are the weights in order', () => {
    const { docs } = run(canary('    stepWeights: [1, 2, 10, 80]\n'));
    expect(weights(find(docs, 'Rollout'))).toEqual([1, 2, 10, 80]);
  });

  it('given threshold 5 and thresholdRange, then each metric tolerates 4 failures and its condition is the range, an empty answer failing', () => {
    const analysis = `    interval: 1m
    threshold: 5
    stepWeight: 50
    metrics:
      - name: request-success-rate
        thresholdRange: {min: 99}
        interval: 2m
      - name: request-duration
        thresholdRange: {min: 1, max: 500.5}
`;
    const { docs } = run(canary(analysis));
    const metrics = find(docs, 'AnalysisTemplate', 'podinfo-analysis')['spec'].metrics as Doc[];
    expect(metrics.map((m) => [m['name'], m['failureLimit'], m['interval'], m['successCondition']])).toEqual([
      ['request-success-rate', 4, '60s', 'size(result) > 0 && result[0] >= 99.0'],
      ['request-duration', 4, '60s', 'size(result) > 0 && result[0] >= 1.0 && result[0] <= 500.5'],
    ]);
    expect(metrics[0]?.['provider'].prometheus.query).toMatch(/istio_requests_total\{[^}]*destination_service_name="podinfo-canary"[^}]*\}\[2m\]/);
    expect(find(docs, 'Rollout')['spec'].strategy.canary.analysis.templates).toEqual([{ templateName: 'podinfo-analysis' }]);
  });

  it('given the linkerd provider, then the builtin query selects the canary pods by the pod-template-hash argument the Rollout passes', () => {
    const analysis = '    stepWeight: 50\n    metrics:\n      - name: request-success-rate\n        threshold: 99\n';
    const { docs } = run(canary(analysis, '', 'linkerd'));
    const rollout = find(docs, 'Rollout');
    expect(rollout['spec'].strategy.canary.trafficRouting).toEqual({ smi: { rootService: 'podinfo', trafficSplitName: 'podinfo' } });
    expect(rollout['spec'].strategy.canary.analysis.args).toEqual([{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }]);
    const template = find(docs, 'AnalysisTemplate', 'podinfo-analysis');
    expect(template['spec'].args).toEqual([{ name: 'canary-hash' }]);
    expect(template['spec'].metrics[0].provider.prometheus.query).toContain('pod=~"podinfo-{{args.canary-hash}}-.*"');
  });

  it('given a MetricTemplate in the input, then its query is filled in and the MetricTemplate is folded in, not written', () => {
    const template = `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: not-found, namespace: test}
spec:
  provider: {type: prometheus, address: "http://prom.monitoring:9090"}
  query: sum(rate(requests{ns="{{ namespace }}", dir="{{ variables.direction }}"}[{{ interval }}]))
---
`;
    const analysis = '    stepWeight: 50\n    metrics:\n      - name: "404s"\n        templateRef: {name: not-found}\n        templateVariables: {direction: inbound}\n        thresholdRange: {max: 5}\n        interval: 3m\n';
    const { docs, entries } = run(template + canary(analysis));
    const metric = find(docs, 'AnalysisTemplate', 'podinfo-analysis')['spec'].metrics[0];
    expect(metric.provider.prometheus).toEqual({ address: 'http://prom.monitoring:9090', query: 'sum(rate(requests{ns="test", dir="inbound"}[3m]))' });
    expect(metric.name).toBe('404s');
    expect(docs.some((d) => d['kind'] === 'MetricTemplate')).toBe(false);
    expect(entries[0]).toMatchObject({ resource: 'MetricTemplate/not-found', outcome: 'consumed' });
  });

  it('given the target Deployment in the input, then the Rollout carries its template and replicas and the Deployment is not written', () => {
    const { docs, entries } = run(`${deployment}---\n${canary('    stepWeight: 50\n')}`);
    const rollout = find(docs, 'Rollout');
    expect(rollout['spec'].replicas).toBe(3);
    expect(rollout['spec'].template.spec.containers[0].image).toBe('stefanprodan/podinfo:6.0.0');
    expect(rollout['spec'].workloadRef).toBeUndefined();
    expect(docs.some((d) => d['kind'] === 'Deployment')).toBe(false);
    expect(entries[0]).toMatchObject({ resource: 'Deployment/podinfo', outcome: 'consumed' });
  });

  it('given no Deployment in the input, then the Rollout references it by workloadRef with its app label as selector', () => {
    const rollout = find(run(canary('    stepWeight: 50\n')).docs, 'Rollout');
    expect(rollout['spec'].workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' });
    expect(rollout['spec'].selector).toEqual({ matchLabels: { app: 'podinfo' } });
  });

  it('given iterations without match, then it is blue-green: the apex Service active, the canary Service preview, the checks counted iterations times before promotion', () => {
    const analysis = '    interval: 1m\n    iterations: 10\n    threshold: 2\n    metrics:\n      - name: request-success-rate\n        thresholdRange: {min: 99}\n';
    const { docs } = run(canary(analysis, '', 'kubernetes'));
    const bg = find(docs, 'Rollout')['spec'].strategy.blueGreen;
    expect(bg).toMatchObject({ activeService: 'podinfo', previewService: 'podinfo-canary', prePromotionAnalysis: { templates: [{ templateName: 'podinfo-analysis' }] } });
    expect(find(docs, 'AnalysisTemplate')['spec'].metrics[0]).toMatchObject({ count: 10, interval: '60s', failureLimit: 1 });
  });

  it('given a confirm-promotion webhook, then a manual pause ends the steps; post-rollout and unknown fields are reported as not converted', () => {
    const analysis = `    stepWeight: 50
    alerts: [{name: on-call, severity: error, providerRef: {name: slack}}]
    webhooks:
      - {name: gate, type: confirm-promotion, url: "http://gate/approve"}
      - {name: notify, type: post-rollout, url: "http://bot/"}
`;
    const { docs, entries } = run(canary(analysis));
    const steps = find(docs, 'Rollout')['spec'].strategy.canary.steps as Doc[];
    expect(steps.at(-1)).toEqual({ pause: {} });
    const problems = entries[0]?.problems.join('\n') ?? '';
    expect(problems).toMatch(/spec\.analysis\.webhooks\[1\]: post-rollout webhooks have no Vane equivalent/);
    expect(problems).toMatch(/spec\.analysis\.alerts\[0\]\.name: no Vane equivalent/);
    expect(entries[0]?.changes.join('\n')).toMatch(/confirm-promotion webhook "gate" is a manual pause/);
  });

  it('given a provider Vane has no router for, then nothing is written for the Canary and the summary says why', () => {
    const { docs, entries } = run(canary('    stepWeight: 50\n', '', 'appmesh'));
    expect(docs).toEqual([]);
    expect(entries[0]).toMatchObject({ outcome: 'not-converted', problems: ['spec.provider: appmesh is a provider Vane has no traffic router for'] });
  });

  it('given a Gateway API canary with gatewayRefs and hosts, then an HTTPRoute splitting the two Services is written and everything passes lint', () => {
    const text = canary('    stepWeight: 25\n', '', 'gatewayapi:v1').replace(
      'service: {port: 9898}',
      'service: {port: 9898, hosts: [app.example.com], gatewayRefs: [{name: public, namespace: gw}]}',
    );
    const { docs } = run(text);
    const route = find(docs, 'HTTPRoute');
    expect(route['spec']).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gw' }],
      hostnames: ['app.example.com'],
      rules: [{ backendRefs: [{ name: 'podinfo', port: 9898, weight: 100 }, { name: 'podinfo-canary', port: 9898, weight: 0 }] }],
    });
    expect(lintSources([{ source: 'out', text: docs.map((d) => yaml.dump(d)).join('---\n') }]).findings).toEqual([]);
  });
});
