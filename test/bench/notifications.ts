// Benchmark (#17): reconcile pass time with notifications on vs off — no measurable difference expected, since the
// outbox runs beside the passes, never in them. N Rollouts (VANE_BENCH_N, default 1,000) sit Healthy on the sandbox
// with a webhook Notifier to a local receiver. Each Rollout is released once (an image change) in one of ROUNDS
// rounds that alternate on, off, on, off: every round runs a fresh controller (`--no-notifications` when off) over
// all N, lets it settle, then releases its share. The Notifier selects the Rollouts of the "on" rounds only, so an
// "on" controller never has older transitions to catch up on and an "off" round's releases are never sent. Per mode:
// reconcile pass time over the round's releases (vane_reconcile_duration_seconds between two scrapes: p50 and p99 as
// histogram_quantile estimates them, the mean exactly from _sum/_count) and its ratio on ÷ off; controller CPU per
// release; and for "on": messages delivered, duplicates, signatures verified, and transition → delivery time.
// The histogram has no controller label: should the outbox ever report its own work through the reconcile observer,
// "passes per release" would rise with notifications on, and the pass times would mix two kinds of work.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Notifier } from '../../src/resources/notifier.js';
import { bucketsBetween, histogramBuckets, histogramQuantile, seriesSum, type HistogramBuckets } from '../support/prometheus-exposition.js';
import { startWebhookReceiver, type WebhookDelivery, type WebhookReceiver } from '../support/webhook-receiver.js';
import { canaryRollout, createHealthyRollouts, forEachConcurrently, NAMESPACE, openBenchCluster, rolloutName, settledHealthy, setImage, type SandboxBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import { spawnController, type BenchController } from './controller-process.js';
import { percentile, round } from './proc-sampling.js';
import { SCALE_STEPS } from './scale.js';

type Mode = 'on' | 'off';
/** Alternating, starting with on: a trend over the run (a neighbour's load, a warming cache) falls on both modes. */
const ROUNDS: readonly Mode[] = ['on', 'off', 'on', 'off'];
const NOTIFY_LABEL = 'bench.vane.dev/notify';
/** A timed-pause canary released once sends two messages: started and promoted (a timed pause waits for no one). */
const MESSAGES_PER_RELEASE = 2;
const NOTIFIER = 'bench-hook';
const RECONCILE = 'vane_reconcile_duration_seconds';

interface RoundResult {
  mode: Mode;
  released: number;
  completed: boolean;
  buckets: HistogramBuckets;
  passes: number;
  secondsSum: number;
  cpuSeconds: number;
}

const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] notifications: ${line}\n`);

/** The name's round: interleaved, so every round's Rollouts are spread over the whole list. */
function roundOf(index: number): number {
  return index % ROUNDS.length;
}

function notifier(url: string, secret: string): Notifier & KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Notifier',
    metadata: { name: NOTIFIER, namespace: NAMESPACE },
    spec: { selector: { matchLabels: { [NOTIFY_LABEL]: 'on' } }, webhook: { url, secretRef: { name: secret, key: 'hmac' } } },
  } as Notifier & KubeObject;
}

async function exposition(controller: BenchController): Promise<string> {
  return (await fetch(`${controller.apiUrl}/metrics`, { headers: { Authorization: `Bearer ${controller.token}` } })).text();
}

function modeArgs(mode: Mode): string[] {
  return mode === 'on' ? ['--allow-local-notification-urls'] : ['--no-notifications'];
}

/** A fresh controller in `mode` over all N; once it has settled, `batch` is released and timed until Healthy (and, on, delivered). */
async function runRound(cluster: SandboxBenchCluster, receiver: WebhookReceiver, mode: Mode, batch: readonly string[], n: number): Promise<RoundResult> {
  const controller = await spawnController(cluster.kubeconfigPath, modeArgs(mode));
  try {
    await controller.waitReady(60_000);
    await controller.waitQuiet(1_000, 60_000 + n * 20);
    const before = await exposition(controller);
    const cpuBefore = controller.sample().cpuSeconds;
    const deliveredBefore = receiver.deliveries().length;
    await forEachConcurrently(batch, 16, (name) => setImage(cluster.client, name, 'img:2'));
    const done = (name: string): boolean => {
      const state = cluster.rollouts.get(name);
      return settledHealthy(state) && (state?.generation ?? 0) >= 2;
    };
    const timeoutMs = 60_000 + batch.length * 60;
    let completed = await cluster.waitUntil(`${batch.length} Rollouts Healthy on the new image`, () => batch.every(done), timeoutMs).then(() => true, () => false);
    if (completed && mode === 'on') {
      const expected = deliveredBefore + batch.length * MESSAGES_PER_RELEASE;
      completed = await receiver.waitFor((d) => d.length >= expected, `${expected} messages`, timeoutMs).then(() => true, () => false);
    }
    await controller.waitQuiet(1_000, 60_000 + n * 20).catch(() => undefined);
    const after = await exposition(controller);
    return {
      mode,
      released: batch.length,
      completed,
      buckets: bucketsBetween(histogramBuckets(before, RECONCILE), histogramBuckets(after, RECONCILE)),
      passes: seriesSum(after, `${RECONCILE}_count`) - seriesSum(before, `${RECONCILE}_count`),
      secondsSum: seriesSum(after, `${RECONCILE}_sum`) - seriesSum(before, `${RECONCILE}_sum`),
      cpuSeconds: controller.sample().cpuSeconds - cpuBefore,
    };
  } finally {
    await controller.stop();
  }
}

/** The rounds of one mode pooled: their bucket deltas add up, as the passes they count do. */
function pooled(rounds: readonly RoundResult[], mode: Mode): RoundResult {
  const mine = rounds.filter((r) => r.mode === mode);
  const buckets = (mine[0]?.buckets ?? []).map(({ le }) => ({ le, count: mine.reduce((sum, r) => sum + (r.buckets.find((b) => b.le === le)?.count ?? 0), 0) }));
  const add = (pick: (r: RoundResult) => number): number => mine.reduce((sum, r) => sum + pick(r), 0);
  return { mode, released: add((r) => r.released), completed: mine.every((r) => r.completed), buckets, passes: add((r) => r.passes), secondsSum: add((r) => r.secondsSum), cpuSeconds: add((r) => r.cpuSeconds) };
}

const meanSeconds = (r: RoundResult): number => r.secondsSum / Math.max(1, r.passes);

/**
 * Same mode, different rounds: how far two runs of identical code differ on this machine at this time. A difference
 * on ÷ off within this spread is not a measurable one.
 */
function spreadFigure(rounds: readonly RoundResult[]): Figure {
  const ratio = (mode: Mode): string => {
    const [first, second] = rounds.filter((r) => r.mode === mode);
    return first && second ? `${mode} ${round(meanSeconds(first) / meanSeconds(second), 2)}×` : `${mode} –`;
  };
  return { figure: 'noise: mean pass time, first ÷ second round of the same mode', value: `${ratio('on')}, ${ratio('off')}`, note: 'a difference on ÷ off within this is not measurable' };
}

function passFigures(on: RoundResult, off: RoundResult): Figure[] {
  const ms = (seconds: number): number => round(seconds * 1000, 2);
  const figure = (label: string, of: (r: RoundResult) => number, target?: string): Figure => {
    const [a, b] = [of(on), of(off)];
    return { figure: `reconcile pass ${label}, on ÷ off`, value: round(a / b, 2), unit: '×', note: `on ${ms(a)} ms, off ${ms(b)} ms`, ...(target ? { target } : {}) };
  };
  return [
    figure('p50 (histogram_quantile)', (r) => histogramQuantile(0.5, r.buckets)),
    figure('p99 (histogram_quantile)', (r) => histogramQuantile(0.99, r.buckets), 'no measurable difference'),
    figure('mean (_sum ÷ _count, exact)', meanSeconds, 'no measurable difference'),
    { figure: 'reconcile passes per release, on / off', value: `${round(on.passes / Math.max(1, on.released), 2)} / ${round(off.passes / Math.max(1, off.released), 2)}` },
    { figure: 'controller CPU per release, on / off', value: `${round((on.cpuSeconds * 1000) / Math.max(1, on.released), 2)} / ${round((off.cpuSeconds * 1000) / Math.max(1, off.released), 2)}`, unit: 'ms' },
  ];
}

function deliveryFigures(deliveries: readonly WebhookDelivery[], expected: number, selected: (name: string) => boolean): Figure[] {
  const ids = deliveries.map((d) => d.id ?? '');
  const duplicates = ids.length - new Set(ids).size;
  const latencies = deliveries.flatMap((d) => (d.message?.at ? [d.receivedAt - Date.parse(d.message.at)] : []));
  return [
    { figure: 'messages delivered (requests received)', value: deliveries.length, note: `expected ${expected}: ${MESSAGES_PER_RELEASE} per release in the "on" rounds`, target: `${expected}` },
    { figure: 'duplicate requests (same X-Vane-Delivery)', value: duplicates, target: '0' },
    { figure: 'messages about Rollouts the Notifier does not select', value: deliveries.filter((d) => !selected(d.message?.rollout.name ?? '')).length, target: '0' },
    { figure: 'requests whose HMAC did not verify', value: deliveries.filter((d) => !d.verified).length, target: '0' },
    { figure: `transition → delivery, p50 (${latencies.length} samples)`, value: round(percentile(latencies, 50)), unit: 'ms' },
    { figure: 'transition → delivery, p99', value: round(percentile(latencies, 99)), unit: 'ms' },
  ];
}

export async function runNotificationsBench(n: number): Promise<Section> {
  const cluster = await openBenchCluster();
  const secret = randomBytes(24).toString('hex');
  const receiver = await startWebhookReceiver({ secret });
  try {
    await cluster.client.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: NOTIFIER, namespace: NAMESPACE }, data: { hmac: Buffer.from(secret).toString('base64') } } as KubeObject);
    await cluster.client.create(Kinds.Notifier, notifier(receiver.url, NOTIFIER));
    const creator = await spawnController(cluster.kubeconfigPath, modeArgs('off'));
    log(`creating ${n} Rollouts`);
    const modeOf = new Map(Array.from({ length: n }, (_, i) => [rolloutName(i), ROUNDS[roundOf(i)] ?? 'off']));
    const names = await createHealthyRollouts(cluster, n, SCALE_STEPS, 60_000 + n * 60, 'r', (name) => {
      const rollout = canaryRollout(name, 'img:1', SCALE_STEPS);
      rollout.metadata.labels = { [NOTIFY_LABEL]: modeOf.get(name) ?? 'off' };
      return { rollout };
    })
      .then(async (created) => (await creator.waitQuiet(1_000, 60_000 + n * 20), created))
      .finally(() => creator.stop());
    const rounds: RoundResult[] = [];
    for (const [index, mode] of ROUNDS.entries()) {
      const batch = names.filter((_, i) => roundOf(i) === index);
      log(`round ${index + 1}/${ROUNDS.length}: notifications ${mode}, releasing ${batch.length}`);
      rounds.push(await runRound(cluster, receiver, mode, batch, n));
    }
    const on = pooled(rounds, 'on');
    const off = pooled(rounds, 'off');
    const unfinished = rounds.flatMap((r, i) => (r.completed ? [] : [`round ${i + 1} (${r.mode})`]));
    return {
      benchmark: `notifications on vs off N=${n} (${ROUNDS.join(', ')}; ${on.released} + ${off.released} releases)`,
      figures: [
        ...(unfinished.length > 0 ? [{ figure: 'rounds not finished in time (figures as they stood)', value: unfinished.join(', ') }] : []),
        ...passFigures(on, off),
        spreadFigure(rounds),
        ...deliveryFigures(receiver.deliveries(), on.released * MESSAGES_PER_RELEASE, (name) => modeOf.get(name) === 'on'),
      ],
    };
  } finally {
    await receiver.stop();
    await cluster.stop();
  }
}
