// The two-release scenario of #17's first "Must show", shared by its cases: the `web` Rollout kept in a real git
// remote, gated by an analysis step measured by a real Prometheus, run by `vane controller` processes. Release 1
// passes; release 2 fails its analysis, is aborted and reverted on the remote; the test then plays the GitOps tool and
// applies the reverted manifest, so the Rollout is Healthy on release 1 again. Optionally a second controller stands by
// on a Lease, and the leader is SIGKILLed as soon as the Rollout's status shows the abort.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import type { LeaseObject } from '../../src/kube/leader-election.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun, AnalysisTemplate } from '../../src/resources/analysis.js';
import type { Notifier } from '../../src/resources/notifier.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import type { RevisionRecord, Rollout } from '../../src/resources/rollout.js';
import { minutesAgo, openMetricsText } from '../analysis/support/open-metrics.js';
import { freePort, startPrometheus, type PrometheusServer } from '../analysis/support/prometheus-server.js';
import { cliEnv, runCli, type CliResult } from '../cli/support/run-cli.js';
import { spawnController, type ControllerProcess } from '../reconcile/controller-process.js';
import { openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';
import { applyManifest, createGitRemote, type GitRemote } from '../support/git-remote.js';
import { startWebhookReceiver, type WebhookDelivery, type WebhookReceiver } from '../support/webhook-receiver.js';
import { webRolloutManifest } from '../support/web-rollout-manifest.js';

export const NAMESPACE = 'shop';
export const ROLLOUT = 'web';
export const NOTIFIER = 'team-hook';
export const METRIC = 'error-ratio';
export const IMAGES = { adopted: 'ghcr.io/acme/web:1.0.0', passing: 'ghcr.io/acme/web:1.1.0', failing: 'ghcr.io/acme/web:2.0.0' };
/** The error ratio Prometheus holds for each release's pods: under the 1% bound for release 1, far over it for 2. */
export const RATIOS = { passing: 0.002, failing: 0.2 };
const FILE = 'apps/web/rollout.yaml';
const SUBJECTS = { adopted: 'Add web', passing: 'Release web 1.1.0', failing: 'Bump web to 2.0.0' };
/** After the last expected message, how long the receiver must stay quiet: a duplicate would arrive in this window. */
const QUIET_MS = 3_000;
/** Transitions of the scenario: started ×2, promoted, aborted, rolledBack, healthy (no pause: the steps have none). */
export const EXPECTED_MESSAGES = 6;

/** The canary: 50%, an analysis of the canary's own pods (by their pod-template-hash), then 100%. */
const STEPS = `        - analysis:
            templates:
              - templateName: error-ratio
            args:
              - name: canary-hash
                valueFrom:
                  podTemplateHashValue: Latest
        - setWeight: 100
`;

export type RolloutObject = Rollout & KubeObject;

export interface ScenarioSetup {
  /** Two controllers on a Lease, the leader SIGKILLed as soon as the status shows the abort; else one, no Lease. */
  failover: boolean;
}

export interface RolloutEvent {
  reason: string;
  note: string;
  /** eventTime, epoch ms. */
  at: number;
}

export interface ScenarioOutcome {
  hashes: { adopted: string; passing: string; failing: string };
  /** The commits that released each version, as on the remote. */
  releaseCommits: { passing: string; failing: string };
  remoteURL: string;
  /** The remote's main after the revert: Vane's commit. */
  revert: { sha: string; message: string; manifest: string };
  /** Commits on the remote naming this Rollout in a `Vane-Rollout:` trailer. */
  revertCommits: string[];
  /** The Rollout once Healthy again (and, with notifications, once every message was recorded as sent). */
  rollout: RolloutObject;
  events: RolloutEvent[];
  analysisRuns: Array<AnalysisRun & KubeObject>;
  /** /metrics of the controller leading at the end. */
  metrics: string;
  /** `vane report -n shop -o json`, run as the built CLI. */
  report: CliResult;
  /** Every request the receiver got, raw. */
  deliveries: WebhookDelivery[];
  failover?: {
    killedStatus: Rollout['status'];
    killedSignal: string | null;
    /** Epoch ms once the killed leader had exited: nothing it sent can arrive after this. */
    killedAt: number;
    holderAfter: string | undefined;
    standbyOutput: string;
    /** /metrics of the first leader once release 1 was promoted, before release 2 started. */
    firstLeaderMetrics: string;
  };
  controllerOutput: string;
  close(): Promise<void>;
}

/** The record of a release in the Rollout's status.history. */
export function recordOf(rollout: RolloutObject, hash: string): RevisionRecord | undefined {
  return rollout.status?.history?.findLast((r) => r.podTemplateHash === hash);
}

function manifestOf(image: string, remote: string): string {
  return webRolloutManifest({ namespace: NAMESPACE, image, repoURL: remote, steps: STEPS });
}

function hashOfManifest(manifest: string): string {
  return podTemplateHash((yaml.load(manifest) as Rollout).spec.template!);
}

/** One measurement an hour back to now per release, so `last_over_time(...[1h])` answers at once. */
function prometheusHistory(hashes: ScenarioOutcome['hashes']): string {
  const series = (hash: string, ratio: number): { name: string; labels: Record<string, string>; samples: Array<[number, number]> } => ({
    name: 'vane_e2e_error_ratio',
    labels: { pod_template_hash: hash },
    samples: Array.from({ length: 30 }, (_, i) => [minutesAgo(30 - i), ratio]),
  });
  return openMetricsText([series(hashes.passing, RATIOS.passing), series(hashes.failing, RATIOS.failing)]);
}

function analysisTemplate(prometheusUrl: string): AnalysisTemplate & KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'error-ratio', namespace: NAMESPACE },
    spec: {
      args: [{ name: 'canary-hash' }],
      metrics: [
        {
          name: METRIC,
          successCondition: 'result[0] < 0.01',
          provider: { prometheus: { address: prometheusUrl, query: 'last_over_time(vane_e2e_error_ratio{pod_template_hash="{{args.canary-hash}}"}[1h])' } },
        },
      ],
    },
  };
}

function notifierOf(url: string, secretName: string): Notifier & KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Notifier',
    metadata: { name: NOTIFIER, namespace: NAMESPACE },
    spec: { webhook: { url, secretRef: { name: secretName, key: 'hmac' } } },
  } as Notifier & KubeObject;
}

/** Runs `close` steps last-in first-out, each even when an earlier one fails. */
class Cleanup {
  private readonly steps: Array<() => unknown> = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  }
}

interface Controllers {
  processes: ControllerProcess[];
  ports: number[];
  output(): string;
}

async function startControllers(cluster: ControllerCluster, setup: ScenarioSetup, client: KubeClient, cleanup: Cleanup): Promise<Controllers> {
  const names = setup.failover ? ['controller-a', 'controller-b'] : ['controller-a'];
  const election = setup.failover ? ['--leader-elect', '--lease-namespace', 'default', '--lease-duration', '2'] : ['--no-leader-elect'];
  const processes: ControllerProcess[] = [];
  const ports: number[] = [];
  for (const name of names) {
    const port = await freePort();
    const gitDir = mkdtempSync(join(tmpdir(), 'vane-e2e-git-'));
    cleanup.add(() => rmSync(gitDir, { recursive: true, force: true }));
    const flags = ['--api-port', String(port), '--git-work-dir', gitDir, '--allow-local-git-urls', '--allow-local-notification-urls', ...election];
    const child = spawnController(cluster.kubeconfigPath, flags, { POD_NAME: name });
    cleanup.add(() => child.kill('SIGKILL'));
    processes.push(child);
    ports.push(port);
    // The first one leads: the standby starts once the Lease is held.
    if (setup.failover && processes.length === 1) await until(() => leaseHolder(client), 'controller-a to take the Lease', 60_000, () => child.output());
  }
  const output = (): string => processes.map((p, i) => `--- ${names[i]}:\n${p.output().slice(-4_000)}`).join('\n');
  await until(async () => ((await ready(ports[0] ?? 0)) ? true : undefined), 'the controller to be ready', 60_000, output);
  return { processes, ports, output };
}

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

async function leaseHolder(client: KubeClient): Promise<string | undefined> {
  return (await client.get<LeaseObject>(Kinds.Lease, 'default', 'vane-controller'))?.spec?.holderIdentity || undefined;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, context: () => string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function summary(ro: RolloutObject | undefined): string {
  const s = ro?.status;
  return JSON.stringify({ phase: s?.phase, message: s?.message, stableRS: s?.stableRS, currentPodHash: s?.currentPodHash, abort: s?.abort, git: s?.rollback?.git, history: s?.history });
}

export async function runReleaseScenario(setup: ScenarioSetup): Promise<ScenarioOutcome> {
  const cleanup = new Cleanup();
  try {
    return await scenario(setup, cleanup);
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}

async function scenario(setup: ScenarioSetup, cleanup: Cleanup): Promise<ScenarioOutcome> {
  const remote: GitRemote = createGitRemote();
  cleanup.add(() => remote.remove());
  const manifests = { adopted: manifestOf(IMAGES.adopted, remote.url), passing: manifestOf(IMAGES.passing, remote.url), failing: manifestOf(IMAGES.failing, remote.url) };
  const hashes = { adopted: hashOfManifest(manifests.adopted), passing: hashOfManifest(manifests.passing), failing: hashOfManifest(manifests.failing) };
  const prometheus: PrometheusServer = await startPrometheus({ history: prometheusHistory(hashes) });
  cleanup.add(() => prometheus.stop());
  const secret = randomBytes(24).toString('hex');
  const receiver: WebhookReceiver = await startWebhookReceiver({ secret });
  cleanup.add(() => receiver.stop());

  const cluster = await openControllerCluster({ crdFiles: vaneCrdFiles(), readyDelayMs: 30 });
  cleanup.add(() => cluster.stop());
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
  cleanup.add(() => client.transport.close());
  await client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  await client.create(Kinds.AnalysisTemplate, analysisTemplate(prometheus.url));
  await client.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: NOTIFIER, namespace: NAMESPACE }, data: { hmac: Buffer.from(secret).toString('base64') } } as KubeObject);
  await client.create(Kinds.Notifier, notifierOf(receiver.url, NOTIFIER));
  const controllers = await startControllers(cluster, setup, client, cleanup);
  const context = (): string => controllers.output();

  const live = async (): Promise<RolloutObject | undefined> => client.get<RolloutObject>(Kinds.Rollout, NAMESPACE, ROLLOUT);
  const waitFor = async (done: (ro: RolloutObject) => boolean, what: string, timeoutMs = 60_000, everyMs = 50): Promise<RolloutObject> => {
    let last: RolloutObject | undefined;
    return until(
      async () => {
        last = await live();
        return last && done(last) ? last : undefined;
      },
      what,
      timeoutMs,
      () => `last status: ${summary(last)}\n${context()}`,
      everyMs,
    );
  };
  const sync = (): Promise<RolloutObject> => applyManifest(client, Kinds.Rollout, remote.show(FILE));
  const healthyOn = (hash: string) => (ro: RolloutObject): boolean => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash && ro.status.currentPodHash === hash;

  remote.commit(FILE, manifests.adopted, SUBJECTS.adopted);
  const adopted = await sync();
  if (podTemplateHash(adopted.spec.template!) !== hashes.adopted) throw new Error('the API server changed the pod template: the hashes Prometheus holds would not match');
  await waitFor(healthyOn(hashes.adopted), 'adoption of 1.0.0');

  remote.commit(FILE, manifests.passing, SUBJECTS.passing);
  const passingCommit = remote.head().sha;
  await sync();
  await waitFor(healthyOn(hashes.passing), 'release 1 (1.1.0) promoted');
  // What Prometheus last scraped from the first leader before it dies: counters are per process.
  const firstLeaderMetrics = setup.failover ? await scrape(controllers.ports[0] ?? 0, cluster) : undefined;

  remote.commit(FILE, manifests.failing, SUBJECTS.failing);
  const failingCommit = remote.head().sha;
  await sync();
  let failover: ScenarioOutcome['failover'];
  if (setup.failover) {
    // As soon as the status shows the abort: traffic is back on stable, and the revert, Events and messages are next.
    const aborted = await waitFor((ro) => ro.status?.abort === true || recordOf(ro, hashes.failing)?.outcome === 'Aborted', 'the abort in status', 60_000, 5);
    const leader = controllers.processes[0]!;
    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    const holderAfter = await until(async () => ((await leaseHolder(client)) === 'controller-b' ? 'controller-b' : undefined), 'the standby to take the Lease', 20_000, context);
    failover = { killedStatus: aborted.status, killedSignal: leader.child.signalCode, killedAt, holderAfter, standbyOutput: '', firstLeaderMetrics: firstLeaderMetrics ?? '' };
  }
  await waitFor((ro) => ro.status?.phase === 'Degraded' && ro.status.rollback?.git?.state === 'Committed', 'the abort and the revert on the remote');
  const head = remote.head();
  const revert = { sha: head.sha, message: head.message, manifest: remote.show(FILE) };

  // The GitOps tool syncs the revert.
  await sync();
  const restored = (ro: RolloutObject): boolean => healthyOn(hashes.passing)(ro) && recordOf(ro, hashes.failing)?.restoredAt !== undefined;
  let rollout = await waitFor(restored, 'Healthy on release 1 after the sync');

  await receiver.waitFor((d) => d.length >= EXPECTED_MESSAGES, `${EXPECTED_MESSAGES} messages`, 60_000);
  const notified = (ro: RolloutObject): number => (ro.status?.history ?? []).reduce((n, r) => n + (r.notified ?? []).filter((x) => x.result === 'Sent').length, 0);
  rollout = await waitFor((ro) => notified(ro) >= EXPECTED_MESSAGES, 'every message recorded as sent');
  await new Promise((r) => setTimeout(r, QUIET_MS));
  rollout = (await live()) ?? rollout;
  const leadingPort = controllers.ports[setup.failover ? 1 : 0] ?? 0;
  if (failover) failover.standbyOutput = controllers.processes[1]?.output() ?? '';
  return {
    hashes,
    releaseCommits: { passing: passingCommit, failing: failingCommit },
    remoteURL: remote.url,
    revert,
    revertCommits: remote.git('log', '--format=%H', `--grep=Vane-Rollout: ${NAMESPACE}/${ROLLOUT}`, 'origin/main').split('\n').filter(Boolean),
    rollout,
    events: await rolloutEvents(client),
    analysisRuns: (await client.list<AnalysisRun & KubeObject>(Kinds.AnalysisRun, NAMESPACE)).items,
    metrics: await scrape(leadingPort, cluster),
    report: await runCli(['report', '-n', NAMESPACE, '-o', 'json'], cliEnv({ KUBECONFIG: cluster.kubeconfigPath })),
    deliveries: receiver.deliveries(),
    ...(failover ? { failover } : {}),
    controllerOutput: controllers.output(),
    close: () => cleanup.run(),
  };
}

async function rolloutEvents(client: KubeClient): Promise<RolloutEvent[]> {
  type EventObject = KubeObject & { reason: string; note: string; eventTime?: string; regarding?: { name?: string } };
  const { items } = await client.list<EventObject>(Kinds.Event, NAMESPACE);
  return items.filter((e) => e.regarding?.name === ROLLOUT).map((e) => ({ reason: e.reason, note: e.note, at: Date.parse(e.eventTime ?? e.metadata.creationTimestamp ?? '') }));
}

/** /metrics as a caller allowed to read it: the sandbox's admin, checked by the controller with a TokenReview. */
async function scrape(port: number, cluster: ControllerCluster): Promise<string> {
  const token = cluster.sandbox?.auth.adminToken;
  if (token === undefined) throw new Error('the delivery scenario reads /metrics with the sandbox admin token: it runs on the sandbox only');
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}: ${await response.text()}`);
  return response.text();
}
