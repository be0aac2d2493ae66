// Specification: every file in examples/ works as shipped. Each scenario applies its files (a GitOps overlay as
// `kubectl kustomize` renders it) with the real kubectl to a fresh sandbox holding the CRDs they need, walks one
// release to Healthy — analysis gates measured by a real Prometheus holding a passing error ratio — and lints the
// same input with the built `vane lint`. A file in examples/ that no scenario reads fails the coverage check.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { KubeRolloutBackend } from '../../src/cli/kube-rollout-backend.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun, AnalysisTemplateSpec } from '../../src/resources/analysis.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { FIXTURE_CRD_DIR } from '../fixtures/fixture-files.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { startPrometheus, type PrometheusServer } from '../analysis/support/prometheus-server.js';
import { cliEnv, MAIN, runCli, runCommand, type CliResult } from '../cli/support/run-cli.js';
import { openHarness } from '../reconcile/controller-harness.js';
import { describeSource, EXAMPLES_DIR, exampleFiles, filesRead, renderSource, type ExampleSource, type KubeDocument, type RenderedSource } from './support/example-sources.js';
import { waitForRollout, walkRelease, type RolloutObject } from './support/release-walk.js';
import { startTrafficExporter, type ServiceRef, type TrafficExporter } from './support/service-traffic-exporter.js';

interface Scenario {
  name: string;
  /** Applied in this order; every file of examples/ must be read by at least one scenario. */
  sources: ExampleSource[];
}

const TEMPLATE: ExampleSource = { file: 'analysis-template-error-rate.yaml' };
const SCENARIOS: Scenario[] = [
  { name: 'a canary split by a Gateway API HTTPRoute, with an analysis step', sources: [TEMPLATE, { file: 'canary-gateway-api.yaml' }] },
  { name: 'a blue-green release with pre-promotion analysis', sources: [TEMPLATE, { file: 'blue-green.yaml' }] },
  { name: 'the demo canary', sources: [{ file: 'demo-canary.yaml' }] },
  { name: 'the GitOps staging overlay', sources: [{ kustomization: 'gitops/apps/shop/overlays/staging' }] },
  { name: 'the GitOps production overlay', sources: [{ kustomization: 'gitops/apps/shop/overlays/production' }] },
];
/** Read by people, never applied. */
const DOCUMENTATION = /\.md$/;
/** A judge needs Prometheus history for its experiment's pods, which these scenarios do not serve: released there. */
const RELEASED_ELSEWHERE: Record<string, string> = {
  'judge/analysis-template.yaml': 'test/analysis/judge-e2e.test.ts',
  'judge/rollout.yaml': 'test/analysis/judge-e2e.test.ts',
};

/** The CRD fixture serving each API group an example may use beyond Kubernetes' own and Vane's. */
const CRD_FOR_GROUP: Record<string, string> = {
  'gateway.networking.k8s.io': 'gateway.networking.k8s.io_httproutes.yaml',
  'networking.istio.io': 'istio.yaml',
  'split.smi-spec.io': 'smi-trafficsplit.yaml',
};
const BUILT_IN_GROUPS = new Set(['', 'apps', 'vane.dev']);

/** 1 request in 200 fails: an error ratio of 0.5%, under the examples' 1% success bound. */
const TRAFFIC = { requestsPerScrape: 200, errorsPerScrape: 1 };
const ERROR_RATIO = TRAFFIC.errorsPerScrape / TRAFFIC.requestsPerScrape;
const RELEASE_TIMEOUT_MS = 150_000;

const rendered = new Map<Scenario, RenderedSource[]>();
let exporter: TrafficExporter;
let prometheus: PrometheusServer;

beforeAll(async () => {
  for (const scenario of SCENARIOS) rendered.set(scenario, await Promise.all(scenario.sources.map(renderSource)));
  exporter = await startTrafficExporter(servicesOf([...rendered.values()].flat()), TRAFFIC);
  prometheus = await startPrometheus({ scrapeTargets: [exporter.metricsUrl] });
  await prometheus.waitForTargetsUp();
  await waitForRates(prometheus.url);
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
});

describe('examples/', () => {
  it('given every file in examples/, then each is read by a scenario below (only documentation is exempt)', () => {
    const read = new Set(SCENARIOS.flatMap((s) => s.sources.flatMap(filesRead)));
    const files = exampleFiles();
    expect(files.filter((f) => !DOCUMENTATION.test(f) && !read.has(f) && RELEASED_ELSEWHERE[f] === undefined)).toEqual([]);
    expect(Object.keys(RELEASED_ELSEWHERE).filter((f) => !files.includes(f))).toEqual([]);
    expect([...read].filter((f) => !files.includes(f))).toEqual([]);
  });

  it('given a fresh sandbox with the CRDs, when `kubectl apply -f examples/` runs, then every object is created, namespaces first', async () => {
    const sandbox = await startSandbox({ crdFiles: [...vaneCrdFiles(), join(FIXTURE_CRD_DIR, CRD_FOR_GROUP['gateway.networking.k8s.io']!)], logLevel: 'silent', simulator: { enabled: false } });
    try {
      const applied = await kubectl(sandbox.kubeconfigPath, ['apply', '-f', EXAMPLES_DIR]);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      for (const object of ['namespace/shop', 'namespace/demo', 'rollout.vane.dev/shop', 'rollout.vane.dev/checkout', 'rollout.vane.dev/web', 'analysistemplate.vane.dev/error-rate', 'httproute.gateway.networking.k8s.io/shop']) {
        expect(applied.stdout).toContain(`${object} created`);
      }
    } finally {
      await sandbox.stop();
    }
  });

  describe.each(SCENARIOS)('$name', (scenario) => {
    it('given the files applied with kubectl to a fresh sandbox, when the image changes, then the release walks to Healthy through every gate and pause', async () => {
      const sources = rendered.get(scenario)!;
      const documents = sources.flatMap((s) => s.documents);
      const rolloutDoc = onlyRollout(documents);
      const namespace = rolloutDoc.metadata.namespace!;
      const name = rolloutDoc.metadata.name;
      const h = await openHarness('default', { crdFiles: routingCrdFiles(documents) });
      const backend = await KubeRolloutBackend.open({ kubeconfig: h.cluster.kubeconfigPath });
      try {
        for (const source of sources) {
          const applied = await kubectl(h.cluster.kubeconfigPath, ['apply', '-f', '-'], source.text);
          expect(applied.stderr, describeSource(source.source)).toBe('');
          expect(applied.code).toBe(0);
        }
        const ctx = { client: h.controller.client, backend, namespace, name };
        const first = await waitForRollout(ctx, (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === ro.status.currentPodHash, 'the first release', 30_000);
        for (const template of documents.filter((d) => d.kind === 'AnalysisTemplate')) await measureHere(h.cluster.kubeconfigPath, template, namespace);

        await changeImage(h.cluster.kubeconfigPath, first);
        const { rollout, promotedAt } = await walkRelease(ctx, first.status!.stableRS!, RELEASE_TIMEOUT_MS);
        expect(promotedAt).toEqual(expect.arrayContaining(indefinitePauses(rolloutDoc)));

        expect(rollout.status?.currentPodHash).not.toBe(first.status?.currentPodHash);
        const runs = (await h.controller.client.list<AnalysisRun & KubeObject>(Kinds.AnalysisRun, namespace)).items.filter((r) => r.metadata.ownerReferences?.[0]?.uid === rollout.metadata.uid);
        expect(runs).toHaveLength(analysisGateCount(rolloutDoc));
        for (const run of runs) expectPassedOnPrometheus(run, namespace);
        for (const route of documents.filter((d) => d.kind === 'HTTPRoute')) expect(await backendWeights(h.cluster.kubeconfigPath, route)).toEqual(stableOnly(rolloutDoc));
      } finally {
        backend.close();
        await h.close();
      }
    }, RELEASE_TIMEOUT_MS + 60_000);

    it('given the same input, then `vane lint` finds it valid, with every gate argument checked against its template', async () => {
      const sources = rendered.get(scenario)!;
      const result = await lint(scenario.sources);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('note:');
      const vaneDocuments = sources.flatMap((s) => s.documents).filter((d) => d.apiVersion.startsWith('vane.dev/'));
      expect(result.stdout).toMatch(new RegExp(`^${vaneDocuments.length} resource\\(s\\) valid`, 'm'));
    });
  });
});

function onlyRollout(documents: readonly KubeDocument[]): KubeDocument & Rollout {
  const rollouts = documents.filter((d) => d.kind === 'Rollout');
  if (rollouts.length !== 1) throw new Error(`a scenario walks one Rollout, found ${rollouts.length}`);
  return rollouts[0] as KubeDocument & Rollout;
}

/** The fixture CRD of every API group the documents use beyond Kubernetes' and Vane's; a group with none fails loudly. */
function routingCrdFiles(documents: readonly KubeDocument[]): string[] {
  const groups = new Set(documents.map((d) => (d.apiVersion.includes('/') ? d.apiVersion.split('/')[0]! : '')));
  return [...groups].filter((g) => !BUILT_IN_GROUPS.has(g)).map((group) => {
    const file = CRD_FOR_GROUP[group];
    if (file === undefined) throw new Error(`no CRD fixture serves API group ${group}: add it to CRD_FOR_GROUP`);
    return join(FIXTURE_CRD_DIR, file);
  });
}

/** Every Service of the examples, in the namespace it is applied to: each gets traffic with the passing ratio. */
function servicesOf(sources: readonly RenderedSource[]): ServiceRef[] {
  const services = sources.flatMap((s) => s.documents).filter((d) => d.kind === 'Service');
  const refs = services.map((d) => ({ namespace: d.metadata.namespace ?? 'default', service: d.metadata.name }));
  return refs.filter((ref, i) => refs.findIndex((r) => r.namespace === ref.namespace && r.service === ref.service) === i);
}

/** Until Prometheus has two scrapes of the exporter, a rate is empty and a first measurement would err. */
async function waitForRates(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent('count(rate(http_requests_total[2m]))')}`);
    const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
    if (Number(body.data?.result?.[0]?.value[1] ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('Prometheus computed no request rate within 30 s');
}

/**
 * The one change the test makes to an example: its templates measure the Prometheus this test runs, once a second
 * instead of once a minute. Queries, conditions, limits and arguments stay as shipped.
 */
async function measureHere(kubeconfig: string, template: KubeDocument, namespace: string): Promise<void> {
  const spec = template['spec'] as AnalysisTemplateSpec;
  const ops: Array<{ op: 'replace'; path: string; value: string }> = [];
  spec.metrics.forEach((metric, i) => {
    if (metric.provider.prometheus === undefined) throw new Error(`metric ${metric.name}: the examples test measures Prometheus metrics only`);
    if (metric.interval !== undefined) ops.push({ op: 'replace', path: `/spec/metrics/${i}/interval`, value: '1s' });
    if (metric.initialDelay !== undefined) ops.push({ op: 'replace', path: `/spec/metrics/${i}/initialDelay`, value: '1s' });
    const arg = /^\{\{\s*args\.([\w.-]+)\s*\}\}$/.exec(metric.provider.prometheus.address)?.[1];
    const argIndex = (spec.args ?? []).findIndex((a) => a.name === arg);
    if (arg === undefined) ops.push({ op: 'replace', path: `/spec/metrics/${i}/provider/prometheus/address`, value: prometheus.url });
    else if (argIndex >= 0) ops.push({ op: 'replace', path: `/spec/args/${argIndex}/value`, value: prometheus.url });
    else throw new Error(`metric ${metric.name}: address argument ${arg} is not declared`);
  });
  const patched = await kubectl(kubeconfig, ['patch', 'analysistemplate', template.metadata.name, '-n', namespace, '--type', 'json', '-p', JSON.stringify(ops)]);
  expect(patched.stderr).toBe('');
}

/** A new tag for the first container, as a release commit would set it. */
async function changeImage(kubeconfig: string, rollout: RolloutObject): Promise<void> {
  const image = rollout.spec.template?.spec?.containers?.[0]?.image ?? '';
  const next = /:[^/]+$/.test(image) ? `${image}-next` : `${image}:next`;
  const patch = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: next }];
  const patched = await kubectl(kubeconfig, ['patch', 'rollout', rollout.metadata.name!, '-n', rollout.metadata.namespace!, '--type', 'json', '-p', JSON.stringify(patch)]);
  expect(patched.stderr).toBe('');
}

/** The canary steps that wait for a person (`pause: {}`): the walk must have promoted at each. */
function indefinitePauses(rollout: Rollout): number[] {
  return (rollout.spec.strategy.canary?.steps ?? []).flatMap((step, i) => ('pause' in step && step.pause.duration === undefined ? [i] : []));
}

/** How many analysis runs one release of the Rollout makes: one per step, background and promotion gate. */
function analysisGateCount(rollout: Rollout): number {
  const canary = rollout.spec.strategy.canary;
  const blueGreen = rollout.spec.strategy.blueGreen;
  const gates = [...(canary?.steps ?? []).filter((step) => 'analysis' in step), canary?.analysis, blueGreen?.prePromotionAnalysis, blueGreen?.postPromotionAnalysis];
  return gates.filter((gate) => gate !== undefined).length;
}

/** The run passed, measured by Prometheus: the ratio the exporter serves, in the Rollout's namespace. */
function expectPassedOnPrometheus(run: AnalysisRun & KubeObject, namespace: string): void {
  expect(run.status?.phase, `${run.metadata.name}: ${run.status?.message}`).toBe('Successful');
  expect(run.spec.args?.find((a) => a.name === 'namespace')).toEqual({ name: 'namespace', value: namespace });
  const errorRate = run.status?.metricResults?.find((m) => m.name === 'error-rate');
  expect(errorRate?.phase).toBe('Successful');
  for (const measurement of errorRate?.measurements ?? []) {
    expect(measurement.phase, measurement.message).toBe('Successful');
    expect(Number((JSON.parse(measurement.value ?? '[]') as number[])[0])).toBeCloseTo(ERROR_RATIO, 6);
  }
}

async function backendWeights(kubeconfig: string, route: KubeDocument): Promise<Record<string, number>> {
  const result = await kubectl(kubeconfig, ['get', 'httproute', route.metadata.name, '-n', route.metadata.namespace ?? 'default', '-o', 'json']);
  const live = JSON.parse(result.stdout) as { spec: { rules: Array<{ backendRefs?: Array<{ name: string; weight?: number }> }> } };
  return Object.fromEntries(live.spec.rules.flatMap((r) => r.backendRefs ?? []).map((b) => [b.name, b.weight ?? 1]));
}

function stableOnly(rollout: Rollout): Record<string, number> {
  const canary = rollout.spec.strategy.canary!;
  return { [canary.stableService!]: 100, [canary.canaryService!]: 0 };
}

/** `vane lint -f FILE...` for files; a rendering piped in as `kubectl kustomize DIR | vane lint -f -`. */
async function lint(sources: readonly ExampleSource[]): Promise<CliResult> {
  const files = sources.flatMap((s) => ('file' in s ? [join(EXAMPLES_DIR, s.file)] : []));
  const rendered = sources.flatMap((s) => ('kustomization' in s ? [join(EXAMPLES_DIR, s.kustomization)] : []));
  if (rendered.length === 0) return runCli(['lint', '-f', ...files]);
  if (rendered.length > 1 || files.length > 0) throw new Error('a scenario lints files or one kustomization');
  return runCommand('sh', ['-c', 'kubectl kustomize "$DIR" | $VANE lint -f -'], cliEnv({ DIR: rendered[0]!, VANE: `${process.execPath} ${MAIN}` }));
}

async function kubectl(kubeconfig: string, args: string[], input?: string): Promise<CliResult> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'vane-kubectl-cache-'));
  try {
    return await new Promise<CliResult>((resolve) => {
      const child = execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      child.stdin?.end(input ?? '');
    });
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
