// Seeded latency and error-ratio history for a baseline and a canary of a Rollout's experiment step, keyed by the hashes
// the controller will give the experiment's pods, for promtool; the judge's end-to-end test and docs/judge.md use it.
//
// Run as a script (docs/judge.md): npx tsx test/analysis/support/judge-history.ts ROLLOUT_FILE NEW_IMAGE PROFILE
// prints OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { analysisRunName as runNameOfGate, stepGate } from '../../../src/machine/analysis-gate.js';
import { analysisRunName } from '../../../src/reconcile/effect-executor.js';
import { experimentTemplateHash } from '../../../src/reconcile/experiment-replica-sets.js';
import { buildStepExperiment } from '../../../src/reconcile/step-experiment.js';
import type { PodTemplateSpec } from '../../../src/resources/meta.js';
import { podTemplateHash } from '../../../src/resources/pod-template-hash.js';
import { defaultPodTemplate } from '../../../src/sandbox/pod-spec-rules.js';
import type { Rollout } from '../../../src/resources/rollout.js';
import { seededRandom } from '../../../src/seeded-random.js';
import { minutesAgo, openMetricsText, type SeriesHistory } from './open-metrics.js';

/** What one side serves: the median latency (seconds), its log-normal spread, the mean error ratio, how long it ran. */
export interface SideProfile {
  latencyMedian: number;
  /** σ of ln(latency). */
  latencySpread: number;
  errorRatio: number;
  /** Relative σ of the error ratio around its mean. */
  errorSpread: number;
  /** Minutes of history ending now. */
  minutes: number;
}

/**
 * The baseline and the four canaries the issue asks about. The margins (why each outcome is not borderline, whatever
 * the seed): with σ = 0.1 in ln(latency) and ~115 points per side, the log of the ratio of two sample medians has a
 * standard deviation of about 1.2533 × 0.1 × √(2/115) ≈ 0.0165. A 20% shift puts it at ln 1.2 = 0.182 against the
 * tolerance ln 1.1 = 0.095: 5.3 σ above; the same distribution puts it at 0, 5.8 σ below. The Mann-Whitney z of the
 * shift is about 10 (p ≈ 1e-25 against α = 0.05). The error ratio's spread is 5%, so its median ratio is 1 ± 0.8% for
 * a same-distribution canary (tolerance 25%) and 3 for the failing one. "Few" runs 75 s: 6 points of 15 s
 * against a minimum of 20 (7 when a query step falls on a sample: the
 * window of `avg_over_time(...[15s])` is closed at both ends in Prometheus 2).
 */
export const PROFILES = {
  baseline: { latencyMedian: 0.2, latencySpread: 0.1, errorRatio: 0.01, errorSpread: 0.05, minutes: 30 },
  slower: { latencyMedian: 0.24, latencySpread: 0.1, errorRatio: 0.01, errorSpread: 0.05, minutes: 30 },
  same: { latencyMedian: 0.2, latencySpread: 0.1, errorRatio: 0.01, errorSpread: 0.05, minutes: 30 },
  few: { latencyMedian: 0.2, latencySpread: 0.1, errorRatio: 0.01, errorSpread: 0.05, minutes: 1.25 },
  errors: { latencyMedian: 0.2, latencySpread: 0.1, errorRatio: 0.03, errorSpread: 0.05, minutes: 30 },
} satisfies Record<string, SideProfile>;
export type ProfileName = keyof typeof PROFILES;

const SAMPLE_EVERY_MS = 15_000;

/** One side's series: `http_latency_seconds{hash}` and `http_error_ratio{hash}`, a sample every 15 s until `now`. */
export function sideHistory(hash: string, profile: SideProfile, seed: number, now = Date.now()): SeriesHistory[] {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const end = minutesAgo(0, now);
  const times: number[] = [];
  for (let t = end - profile.minutes * 60_000; t <= end; t += SAMPLE_EVERY_MS) times.push(Math.round(t / 1000) * 1000);
  const latency = times.map((t): [number, number] => [t, round(profile.latencyMedian * Math.exp(profile.latencySpread * normal()))]);
  const errors = times.map((t): [number, number] => [t, round(Math.max(0, profile.errorRatio * (1 + profile.errorSpread * normal())))]);
  return [
    { name: 'http_latency_seconds', labels: { hash }, samples: latency },
    { name: 'http_error_ratio', labels: { hash }, samples: errors },
  ];
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export interface ExperimentHashes {
  /** The Experiment the step will create: `<rollout>-<canary hash>-step-<n>-1`. */
  experiment: string;
  /** The Rollout's new revision. */
  canaryRevision: string;
  /** The pod-template hashes of the experiment's `baseline` and `canary` templates. */
  baseline: string;
  canary: string;
}

/**
 * The hashes the controller gives the experiment pods when `rollout` (Healthy at its current template) is released with
 * its first container's image set to `image`: built by the controller's own functions, first attempt.
 */
export function experimentHashes(rollout: Rollout, image: string): ExperimentHashes {
  const stable = rollout.spec.template;
  if (stable === undefined) throw new Error('the Rollout has no pod template');
  const next = structuredClone(stable);
  const container = next.spec.containers[0];
  if (container === undefined) throw new Error('the Rollout\'s pod template has no container');
  container.image = image;
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const index = steps.findIndex((s) => 'experiment' in s);
  const step = steps[index];
  if (step === undefined || !('experiment' in step)) throw new Error('the Rollout has no experiment step');
  const stableHash = podTemplateHash(stable);
  const canaryHash = podTemplateHash(next);
  const gate = stepGate(index);
  const effect = { type: 'createExperiment' as const, gate, name: runNameOfGate(canaryHash, gate, 1), step: step.experiment, canaryHash, stableHash };
  const name = analysisRunName(rollout, effect.name);
  // The baseline is the stable ReplicaSet's template as the API server stores it: with the pod defaults filled in
  // (the canary's comes from the Rollout's spec, as written).
  const stored = structuredClone(stable);
  defaultPodTemplate(stored);
  const templateOf = (hash: string): PodTemplateSpec | undefined => (hash === canaryHash ? next : hash === stableHash ? stored : undefined);
  const experiment = buildStepExperiment(rollout, effect, name, templateOf);
  const hashOf = (template: string): string => {
    const t = experiment.spec.templates.find((each) => each.name === template);
    if (t === undefined) throw new Error(`the experiment step has no template "${template}"`);
    return experimentTemplateHash(name, t);
  };
  return { experiment: name, canaryRevision: canaryHash, baseline: hashOf('baseline'), canary: hashOf('canary') };
}

/** The Rollout of a manifest file (the first document of kind Rollout). */
export function rolloutOfFile(file: string): Rollout {
  const doc = yaml.loadAll(readFileSync(file, 'utf8')).find((d) => (d as { kind?: string }).kind === 'Rollout');
  if (doc === undefined) throw new Error(`${file} holds no Rollout`);
  return doc as Rollout;
}

/** The history of the baseline (profile `baseline`) and the canary (`canary`) of the release of `rollout` to `image`. */
export function releaseHistory(rollout: Rollout, image: string, canary: ProfileName, now = Date.now()): { hashes: ExperimentHashes; series: SeriesHistory[] } {
  const hashes = experimentHashes(rollout, image);
  // Different seeds for the two sides: "the same distribution", not the same numbers.
  const series = [...sideHistory(hashes.baseline, PROFILES.baseline, 1, now), ...sideHistory(hashes.canary, PROFILES[canary], 2, now)];
  return { hashes, series };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [file, image, profile = 'slower'] = process.argv.slice(2);
  if (file === undefined || image === undefined || !(profile in PROFILES)) {
    process.stderr.write(`usage: judge-history.ts ROLLOUT_FILE NEW_IMAGE [${Object.keys(PROFILES).join('|')}]\n`);
    process.exit(2);
  }
  const { hashes, series } = releaseHistory(rolloutOfFile(file), image, profile as ProfileName);
  process.stderr.write(`experiment ${hashes.experiment}: baseline pods ${hashes.baseline}, canary pods ${hashes.canary}\n`);
  process.stdout.write(openMetricsText(series));
}
