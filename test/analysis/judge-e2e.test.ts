// Specification: the baseline-vs-canary judge end to end on the sandbox with the real controller and a real Prometheus.
// The worked example of docs/judge.md as shipped (examples/judge/: its AnalysisTemplate and its Rollout, whose first
// step is an experiment with a baseline and a canary judged by that template) is released four times, each into its
// own namespace with its own new image, against Prometheus history backfilled with promtool for the hashes the
// experiment's pods get: a canary 20% slower, one from the same distribution, one with 75 s of data, one whose
// critical error ratio triples. The only change made to the shipped files: the namespace, and the Prometheus address
// argument pointing at this test's server. Why the outcomes are far from borderline: PROFILES in judge-history.ts.
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun, AnalysisTemplate } from '../../src/resources/analysis.js';
import type { Experiment } from '../../src/resources/experiment.js';
import type { MetricJudgement } from '../../src/analysis/judge/canary-judgement.js';
import type { StoredJudgement } from '../../src/analysis/judge/judgement-text.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import { runCli, runCommand, cliEnv } from '../cli/support/run-cli.js';
import { openHarness, type Harness, type RolloutObject } from '../reconcile/controller-harness.js';
import { openMetricsText } from './support/open-metrics.js';
import { releaseHistory, type ExperimentHashes, type ProfileName } from './support/judge-history.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus-server.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/judge');
const TEMPLATE_FILE = resolve(EXAMPLE, 'analysis-template.yaml');
const ROLLOUT_FILE = resolve(EXAMPLE, 'rollout.yaml');
const TIMEOUT_MS = 90_000;

type ExperimentObject = Experiment & KubeObject;
type RunObject = AnalysisRun & KubeObject;

/** The stored judgement, read as a test reads it: the shape the product stores (src/analysis/judge/judgement-text.ts). */
type Judgement = StoredJudgement & { message: string };
type MetricReasoning = MetricJudgement;

interface Release {
  namespace: string;
  image: string;
  profile: ProfileName;
  hashes?: ExperimentHashes;
}

const RELEASES: Record<ProfileName & ('slower' | 'same' | 'few' | 'errors'), Release> = {
  slower: { namespace: 'judge-slower', image: 'ghcr.io/acme/checkout:2.0.0-slower', profile: 'slower' },
  same: { namespace: 'judge-same', image: 'ghcr.io/acme/checkout:2.0.0-same', profile: 'same' },
  few: { namespace: 'judge-few', image: 'ghcr.io/acme/checkout:2.0.0-few', profile: 'few' },
  errors: { namespace: 'judge-errors', image: 'ghcr.io/acme/checkout:2.0.0-errors', profile: 'errors' },
};

let h: Harness;
let prometheus: PrometheusServer;

function documentOf<T>(file: string, kind: string): T {
  const doc = yaml.loadAll(readFileSync(file, 'utf8')).find((d) => (d as { kind?: string }).kind === kind);
  if (doc === undefined) throw new Error(`${file} holds no ${kind}`);
  return doc as T;
}

/** The shipped template in `namespace`, measuring this test's Prometheus (its `prometheus-address` argument). */
function templateIn(namespace: string): AnalysisTemplate & KubeObject {
  const template = documentOf<AnalysisTemplate & KubeObject>(TEMPLATE_FILE, 'AnalysisTemplate');
  const args = (template.spec.args ?? []).map((a) => (a.name === 'prometheus-address' ? { ...a, value: prometheus.url } : a));
  if (!args.some((a) => a.value === prometheus.url)) throw new Error('the example template has no prometheus-address argument');
  return { ...template, metadata: { ...template.metadata, namespace }, spec: { ...template.spec, args } };
}

function rolloutIn(namespace: string): RolloutObject {
  const rollout = documentOf<RolloutObject>(ROLLOUT_FILE, 'Rollout');
  return { ...rollout, metadata: { ...rollout.metadata, namespace } };
}

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rollout(release: Release): Promise<RolloutObject | undefined> {
  return h.controller.client.get<RolloutObject>(Kinds.Rollout, release.namespace, 'checkout');
}

async function releaseTo(release: Release): Promise<void> {
  const { namespace } = release;
  await h.controller.client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await h.controller.client.create(Kinds.AnalysisTemplate, templateIn(namespace));
  await h.controller.client.create(Kinds.Rollout, rolloutIn(namespace));
  const first = await until(`${namespace}: the first revision Healthy`, async () => {
    const ro = await rollout(release);
    return ro?.status?.phase === 'Healthy' ? ro : undefined;
  });
  const template = structuredClone(first.spec.template!);
  template.spec.containers[0]!.image = release.image;
  await h.controller.client.patch(Kinds.Rollout, namespace, 'checkout', { spec: { template } }, 'merge');
}

/** The experiment the release's step ran, once it ended, and the judgement its AnalysisRun stored. */
async function judged(release: Release): Promise<{ experiment: ExperimentObject; run: RunObject; judgement: Judgement }> {
  const name = release.hashes!.experiment;
  const experiment = await until(`${release.namespace}: experiment ${name} to end`, async () => {
    const e = await h.controller.client.get<ExperimentObject>(Kinds.Experiment, release.namespace, name);
    return e?.status?.phase !== undefined && !['Pending', 'Running'].includes(e.status.phase) ? e : undefined;
  });
  const runName = experiment.status?.analysisRuns?.find((a) => a.name === 'judge')?.analysisRun ?? '';
  const run = (await h.controller.client.get<RunObject>(Kinds.AnalysisRun, release.namespace, runName))!;
  const measurement = run.status?.metricResults?.find((m) => m.name === 'judgement')?.measurements?.at(-1);
  expect(measurement?.value, `${runName}: ${JSON.stringify(run.status)}`).toBeDefined();
  return { experiment, run, judgement: JSON.parse(measurement!.value!) as Judgement };
}

function metric(judgement: Judgement, name: string): MetricReasoning {
  const found = judgement.metrics.find((m) => m.name === name);
  if (found === undefined) throw new Error(`no reasoning for ${name}: ${JSON.stringify(judgement)}`);
  return found;
}

/** A side of ~115 points of 15 s over the 30-minute window (some fall out of it while the test runs). */
function expectFullWindow(count: number): void {
  expect(count).toBeGreaterThanOrEqual(100);
  expect(count).toBeLessThanOrEqual(122);
}

function experimentSets(experiment: ExperimentObject): ReplicaSetObject[] {
  return h.controller.informers.replicaSetsOfExperiment(experiment);
}

beforeAll(async () => {
  const now = Date.now();
  const rolloutDoc = documentOf<RolloutObject>(ROLLOUT_FILE, 'Rollout');
  const series = Object.values(RELEASES).flatMap((release) => {
    const history = releaseHistory({ ...rolloutDoc, metadata: { ...rolloutDoc.metadata, namespace: release.namespace } }, release.image, release.profile, now);
    release.hashes = history.hashes;
    return history.series;
  });
  prometheus = await startPrometheus({ history: openMetricsText(series) });
  h = await openHarness('judge-e2e');
  await Promise.all(Object.values(RELEASES).map(releaseTo));
}, 120_000);

afterAll(async () => {
  await h?.close();
  await prometheus?.stop();
});

describe('the judge on a Rollout\'s experiment step (examples/judge, docs/judge.md)', () => {
  it('given examples/judge, then `vane lint -f examples/judge` finds its template and Rollout valid', async () => {
    const result = await runCli(['lint', '-f', EXAMPLE]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2 resource\(s\) valid/m);
  });

  it('given the history command docs/judge.md gives, then it names the experiment and hashes this test releases against and prints what promtool reads', async () => {
    const script = resolve(import.meta.dirname, 'support/judge-history.ts');
    const result = await runCommand(process.execPath, ['--import', 'tsx', script, ROLLOUT_FILE, 'ghcr.io/acme/checkout:2.0.0-slower', 'slower'], cliEnv());
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`experiment ${RELEASES.slower.hashes!.experiment}: baseline pods ${RELEASES.slower.hashes!.baseline}, canary pods ${RELEASES.slower.hashes!.canary}`);
    expect(result.stdout).toContain(`http_latency_seconds{hash="${RELEASES.slower.hashes!.canary}"}`);
    expect(result.stdout.trimEnd().endsWith('# EOF')).toBe(true);
  });

  it('given a canary whose latency is 20% above the baseline\'s, then latency is High with a tiny p-value, the score 25 is under marginal 50, the judgement and the Experiment fail and the rollout aborts', async () => {
    const release = RELEASES.slower;
    const { experiment, run, judgement } = await judged(release);
    // The hashes the history was written for are the ones the controller gave the experiment's pods.
    expect(Object.fromEntries((experiment.status?.templateStatuses ?? []).map((t) => [t.name, t.podTemplateHash]))).toEqual({ baseline: release.hashes!.baseline, canary: release.hashes!.canary });
    expect(run.status?.phase).toBe('Failed');
    expect(experiment.status?.phase).toBe('Failed');
    expect(judgement).toMatchObject({ verdict: 'Failed', score: 25, message: 'score 25 is below marginal 50' });
    const latency = metric(judgement, 'latency');
    expect(latency).toMatchObject({ group: 'latency', classification: 'High', critical: false, method: 'asymptotic' });
    expect(latency.pValue).toBeLessThan(1e-6);
    expect(latency.effectSize).toBeGreaterThan(1.15);
    expect(latency.effectSize).toBeLessThan(1.25);
    expect(latency.baselineMedian).toBeCloseTo(0.2, 1);
    expect(latency.canaryMedian).toBeCloseTo(0.24, 1);
    expect(latency.canaryMedian! / latency.baselineMedian!).toBeCloseTo(latency.effectSize!, 6);
    expectFullWindow(latency.baselineCount);
    expectFullWindow(latency.canaryCount);
    expect(metric(judgement, 'error-ratio')).toMatchObject({ group: 'errors', classification: 'Pass', critical: true });
    const aborted = await until('the rollout aborted', async () => {
      const ro = await rollout(release);
      return ro?.status?.phase === 'Degraded' ? ro : undefined;
    });
    expect(aborted.status?.message).toContain(`Experiment ${experiment.metadata.name} Failed`);
    // The Experiment owns the run, yet `vane get rollout` shows the step's judgement with the Rollout's own analysis.
    const shown = await runCli(['get', 'rollout', 'checkout', '-n', release.namespace], cliEnv({ KUBECONFIG: h.cluster.kubeconfigPath }));
    expect(shown.stdout).toContain(run.metadata.name ?? '(no run name)');
    expect(shown.stdout).toMatch(/judgement Failed, score 25/);
    expect(shown.stdout).toMatch(/latency\s+High/);
  }, TIMEOUT_MS + 30_000);

  it('given a canary drawn from the baseline\'s distribution, then every metric passes, the score is 100, the judgement succeeds, the release completes and the experiment\'s ReplicaSets are scaled to zero', async () => {
    const release = RELEASES.same;
    const { experiment, run, judgement } = await judged(release);
    expect(run.status?.phase).toBe('Successful');
    expect(experiment.status?.phase).toBe('Successful');
    expect(judgement).toMatchObject({ verdict: 'Successful', score: 100 });
    const latency = metric(judgement, 'latency');
    expect(latency.classification).toBe('Pass');
    expect(latency.effectSize).toBeGreaterThan(0.95);
    expect(latency.effectSize).toBeLessThan(1.05);
    expect(latency.pValue).toBeGreaterThan(0.05);
    expectFullWindow(latency.baselineCount);
    expectFullWindow(latency.canaryCount);
    const errors = metric(judgement, 'error-ratio');
    expect(errors.classification).toBe('Pass');
    expect(errors.baselineMedian).toBeCloseTo(0.01, 3);
    expect(errors.canaryMedian).toBeCloseTo(0.01, 3);
    await until('the release Healthy at the new image', async () => {
      const ro = await rollout(release);
      return ro?.status?.phase === 'Healthy' && ro.status.stableRS === release.hashes!.canaryRevision ? ro : undefined;
    });
    await until('the experiment ReplicaSets at zero', () => (experimentSets(experiment).length === 2 && experimentSets(experiment).every((rs) => rs.spec?.replicas === 0) ? true : undefined), 45_000);
  }, TIMEOUT_MS + 60_000);

  it('given a canary with 75 s of data (6 or 7 points of 15 s, minimum 20), then latency and the error ratio are NoData, the judgement is Inconclusive whatever the score, and the rollout waits for a person', async () => {
    const release = RELEASES.few;
    const { experiment, run, judgement } = await judged(release);
    expect(run.status?.phase).toBe('Inconclusive');
    expect(experiment.status?.phase).toBe('Inconclusive');
    // NoData metrics are left out of the score; with nothing classified it is 0.
    expect(judgement).toMatchObject({ verdict: 'Inconclusive', score: 0, message: 'no data for "latency", "error-ratio"' });
    for (const name of ['latency', 'error-ratio']) {
      const reasoning = metric(judgement, name);
      expect(reasoning).toMatchObject({ classification: 'NoData', pValue: null, statistic: null, effectSize: null });
      expect(reasoning.message).toBe(`canary has ${reasoning.canaryCount} samples, fewer than minSamples 20`);
      expect(reasoning.canaryCount).toBeLessThanOrEqual(7);
      expect(reasoning.canaryCount).toBeGreaterThan(0);
      expectFullWindow(reasoning.baselineCount);
    }
    const paused = await until('the rollout paused', async () => {
      const ro = await rollout(release);
      return ro?.status?.phase === 'Paused' ? ro : undefined;
    });
    expect(paused.status?.currentStepIndex).toBe(0);
  }, TIMEOUT_MS + 30_000);

  it('given a canary whose critical error ratio triples while its latency matches, then the score is 75 (at the pass threshold) and yet the judgement fails on the critical metric', async () => {
    const release = RELEASES.errors;
    const { experiment, run, judgement } = await judged(release);
    expect(run.status?.phase).toBe('Failed');
    expect(experiment.status?.phase).toBe('Failed');
    expect(judgement).toMatchObject({ verdict: 'Failed', score: 75, message: 'critical "error-ratio" is High' });
    expect(metric(judgement, 'latency').classification).toBe('Pass');
    const errors = metric(judgement, 'error-ratio');
    expect(errors).toMatchObject({ classification: 'High', critical: true });
    expect(errors.pValue).toBeLessThan(1e-6);
    expect(errors.effectSize).toBeGreaterThan(2.5);
    expect(errors.effectSize).toBeLessThan(3.5);
    expectFullWindow(errors.canaryCount);
  }, TIMEOUT_MS + 30_000);
});
