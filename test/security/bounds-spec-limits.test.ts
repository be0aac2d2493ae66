// Issue #20, finding 3: `vane lint` and the CRDs accepted replicas above int32, pauses of 1e30 s and Service names
// that are not DNS labels. Such a spec is bounded as Kubernetes bounds it: counts are int32, durations at most
// 2^31-1 seconds, object names follow the rule of the object they name (DNS-1035 label for a Service, DNS-1123
// subdomain for most others). Lint and the controller name the field; the CRD refuses what its schema can express.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import { validateAnalysisTemplate } from '../../src/resources/analysis-template-validation.js';
import { validateRollout } from '../../src/resources/rollout-validation.js';
import { runCli } from '../cli/support/run-cli.js';
import { openHarness, template, type Harness } from '../reconcile/controller-harness.js';

const INT32_MAX = 2_147_483_647;

function rollout(spec: Record<string, unknown>, canary: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: template('img:1'),
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '1h' } }], ...canary } },
      ...spec,
    },
  };
}

function analysisTemplate(metric: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'error-rate', namespace: 'default' },
    spec: { metrics: [{ name: 'errors', provider: { web: { url: 'https://metrics.example/errors' } }, ...metric }] },
  };
}

const paths = (errors: Array<{ path: string }>): string[] => errors.map((e) => e.path);

describe('given counts beyond int32', () => {
  it('when replicas is 2^31, then validation names spec.replicas and the int32 bound', () => {
    expect(validateRollout(rollout({ replicas: 2 ** 31 }))).toEqual([
      { path: 'spec.replicas', message: `must be less than or equal to ${INT32_MAX} (the largest int32)` },
    ]);
  });

  it('when every count of a Rollout is 1e12, then each is reported by its path', () => {
    const big = 1e12;
    const errors = validateRollout(
      rollout({ revisionHistoryLimit: big, progressDeadlineSeconds: big }, { abortScaleDownDelaySeconds: big, maxSurge: big }),
    );
    expect(paths(errors)).toEqual([
      'spec.revisionHistoryLimit',
      'spec.progressDeadlineSeconds',
      'spec.strategy.canary.abortScaleDownDelaySeconds',
      'spec.strategy.canary.maxSurge',
    ]);
  });

  it('when a blue-green Rollout has huge counts and delays, then each is reported', () => {
    const bg = { activeService: 'web-active', previewReplicaCount: 2 ** 40, autoPromotionSeconds: 2 ** 40, scaleDownDelaySeconds: 2 ** 40 };
    const errors = validateRollout(rollout({ strategy: { blueGreen: bg } }));
    expect(paths(errors)).toEqual([
      'spec.strategy.blueGreen.previewReplicaCount',
      'spec.strategy.blueGreen.autoPromotionSeconds',
      'spec.strategy.blueGreen.scaleDownDelaySeconds',
    ]);
  });

  it('when an analysis metric has a huge count and limits, then each is reported', () => {
    const errors = validateAnalysisTemplate(analysisTemplate({ interval: '1m', count: 2 ** 31, failureLimit: 1e20, consecutiveErrorLimit: 2 ** 33 }));
    expect(paths(errors)).toEqual(['spec.metrics[0].count', 'spec.metrics[0].failureLimit', 'spec.metrics[0].consecutiveErrorLimit']);
  });
});

describe('given durations beyond 2^31-1 seconds', () => {
  it('when a pause lasts 1e30 s, then validation names the pause duration and the bound', () => {
    const errors = validateRollout(rollout({}, { steps: [{ setWeight: 50 }, { pause: { duration: 1e30 } }] }));
    expect(errors).toEqual([
      { path: 'spec.strategy.canary.steps[1].pause.duration', message: `must be at most ${INT32_MAX} seconds (about 68 years), got 1e+30` },
    ]);
  });

  it('when a pause is a duration string of a million years, then it is refused too', () => {
    const errors = validateRollout(rollout({}, { steps: [{ pause: { duration: '9000000000h' } }] }));
    expect(paths(errors)).toEqual(['spec.strategy.canary.steps[0].pause.duration']);
  });

  it('when an analysis interval and initial delay are huge, then both are reported', () => {
    const errors = validateAnalysisTemplate(analysisTemplate({ interval: 1e30, initialDelay: '99999999999s' }));
    expect(paths(errors)).toEqual(['spec.metrics[0].interval', 'spec.metrics[0].initialDelay']);
  });

  it('when a pause is 68 years less a second, then it is accepted', () => {
    expect(validateRollout(rollout({}, { steps: [{ pause: { duration: INT32_MAX } }] }))).toEqual([]);
  });
});

describe('given object names that Kubernetes would refuse', () => {
  it('when a Service name is not a DNS-1035 label, then stableService and canaryService are reported by name', () => {
    const errors = validateRollout(rollout({}, { stableService: 'Web_Stable', canaryService: '1-canary' }));
    expect(paths(errors)).toEqual(['spec.strategy.canary.stableService', 'spec.strategy.canary.canaryService']);
    expect(errors[0]?.message).toBe(
      `must be a DNS-1035 label: at most 63 lower case letters, digits and '-', starting with a letter and ending with a letter or digit, got "Web_Stable"`,
    );
  });

  it('when blue-green Services, a template name and a workload name break their rules, then each is reported', () => {
    const analysis = { templates: [{ templateName: 'Error Rate' }] };
    const bg = { activeService: 'a'.repeat(64), previewService: 'web.preview', prePromotionAnalysis: analysis };
    const { template: _t, ...withoutTemplate } = rollout({ strategy: { blueGreen: bg } }).spec as Record<string, unknown>;
    const spec = { ...withoutTemplate, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web/../x' } };
    const errors = validateRollout({ ...rollout({}), spec });
    expect(paths(errors)).toEqual([
      'spec.workloadRef.name',
      'spec.strategy.blueGreen.activeService',
      'spec.strategy.blueGreen.previewService',
      'spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName',
    ]);
  });

  it('when routing objects and a container are misnamed, then each is reported', () => {
    const tpl = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'App', image: 'img:1' }] } };
    const routing = { nginx: { stableIngress: 'Web Ingress' } };
    const errors = validateRollout(rollout({ template: tpl }, { stableService: 'web', canaryService: 'web-canary', trafficRouting: routing }));
    expect(paths(errors)).toEqual(['spec.template.spec.containers[0].name', 'spec.strategy.canary.trafficRouting.nginx.stableIngress']);
  });

  it('when names are valid, including a dotted subdomain for a template, then nothing is reported', () => {
    const analysis = { templates: [{ templateName: 'error-rate.v2' }] };
    expect(validateRollout(rollout({}, { stableService: 'web-stable', canaryService: 'web-canary', analysis }))).toEqual([]);
  });
});

describe('given vane lint on such a file', () => {
  it('then it exits 1 with one line per bound naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vane-bounds-'));
    const file = join(dir, 'rollout.yaml');
    writeFileSync(file, dump(rollout({ replicas: 2 ** 31 }, { stableService: 'Web_Stable', steps: [{ setWeight: 50 }, { pause: { duration: 1e30 } }] })));
    const result = await runCli(['lint', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Rollout/web: spec.replicas: must be less than or equal to ${INT32_MAX} (the largest int32)`);
    expect(result.stdout).toContain('Rollout/web: spec.strategy.canary.stableService: must be a DNS-1035 label');
    expect(result.stdout).toContain(`Rollout/web: spec.strategy.canary.steps[1].pause.duration: must be at most ${INT32_MAX} seconds`);
  });
});

describe('given the CRDs on a sandbox and the controller', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness('bounds-spec');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('when a Rollout asks for 2^31 replicas, then the API server refuses it', async () => {
    await expect(h.apply('huge', { replicas: 2 ** 31 })).rejects.toThrow(/spec\.replicas/);
  });

  it('when a Rollout names a Service that is not a DNS-1035 label, then the API server refuses it', async () => {
    await expect(h.apply('badsvc', { strategy: { canary: { stableService: 'Web_Stable', steps: [] } } })).rejects.toThrow(/spec\.strategy\.canary\.stableService/);
  });

  it('when a pause of 1e30 s is given as integer seconds, then the API server refuses it', async () => {
    await expect(h.apply('forever', { strategy: { canary: { steps: [{ pause: { duration: 1e30 } }] } } })).rejects.toThrow(/pause\.duration/);
  });

  it('when a pause of a million years is a duration string the schema cannot bound, then the controller marks the Rollout InvalidSpec', async () => {
    await h.apply('ages', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '9000000000h' } }] } } });
    const ro = await h.waitFor('ages', (r) => r.status?.conditions?.some((c) => c.type === 'InvalidSpec') ?? false, 'InvalidSpec');
    const condition = ro.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    expect(condition?.message).toContain('spec.strategy.canary.steps[1].pause.duration');
    expect(ro.status?.phase).toBe('Degraded');
    expect(h.replicaSets('ages')).toHaveLength(0);
    expect(await h.controller.client.get(Kinds.Rollout, 'bounds-spec', 'huge')).toBeUndefined();
  });
});
