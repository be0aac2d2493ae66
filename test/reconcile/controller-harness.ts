// A cluster (a sandbox, or a real API server in that leg) plus an in-process controller, and the verbs the
// controller specifications are written in.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { startController, type RunningController } from '../../src/cli/start-controller.js';
import type { RetryPolicy } from '../../src/reconcile/git-rollback-reconciler.js';
import type { ReleaseSourceTiming } from '../../src/reconcile/release-source-reconciler.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { AnalysisTemplate } from '../../src/resources/analysis.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import type { CommandAction, Rollout, RolloutSpec } from '../../src/resources/rollout.js';
import { openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';

export type RolloutObject = Rollout & KubeObject;

export interface Harness {
  cluster: ControllerCluster;
  controller: RunningController;
  namespace: string;
  apply(name: string, spec: Partial<RolloutSpec>, services?: string[]): Promise<RolloutObject>;
  rollout(name: string): RolloutObject | undefined;
  replicaSets(name: string): ReplicaSetObject[];
  setImage(name: string, image: string): Promise<string>;
  command(name: string, action: CommandAction): Promise<string>;
  waitFor(name: string, done: (ro: RolloutObject) => boolean, what: string, timeoutMs?: number): Promise<RolloutObject>;
  events(name: string): Promise<Array<{ reason: string; note: string }>>;
  /** The Rollout's Events once every one of `reasons` is among them (an Event is written after the status it reports). */
  eventsWith(name: string, reasons: readonly string[], timeoutMs?: number): Promise<Array<{ reason: string; note: string }>>;
  close(): Promise<void>;
}

export function template(image: string, app = 'web'): NonNullable<RolloutSpec['template']> {
  return { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image }] } };
}

export function hashOfImage(image: string, app = 'web'): string {
  return podTemplateHash(template(image, app));
}

export interface HarnessOptions {
  /** CRDs beyond Vane's own, e.g. the routing CRD fixtures. */
  crdFiles?: string[];
  /** How the git rollback queue retries; the controller's default waits seconds to minutes. */
  gitRetry?: RetryPolicy;
  /** How the release source queue polls and retries; the controller's default polls every 15 s. */
  releaseSourceTiming?: ReleaseSourceTiming;
}

export async function openHarness(namespace = 'test', options: HarnessOptions = {}): Promise<Harness> {
  const cluster = await openControllerCluster({ crdFiles: [...vaneCrdFiles(), ...(options.crdFiles ?? [])], readyDelayMs: 30 });
  const controller = await startController(
    { kubeconfig: cluster.kubeconfigPath, workers: 4, leaderElection: false, leaseNamespace: 'default', leaseName: 'vane', leaseDurationMs: 15_000, identity: 'test', logLevel: 'silent', apiPort: -1, gitWorkDir: mkdtempSync(join(tmpdir(), 'vane-git-cache-')), allowLocalGitUrls: true },
    { logger: createLogger(process.env['VANE_TEST_LOG'] === '1' ? 'debug' : 'silent'), ...(options.gitRetry ? { gitRetry: options.gitRetry } : {}), ...(options.releaseSourceTiming ? { releaseSourceTiming: options.releaseSourceTiming } : {}) },
  );
  const client = controller.client;
  await client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch(() => undefined);

  const harness: Harness = {
    cluster,
    controller,
    namespace,
    async apply(name, spec, services = []) {
      for (const svc of services) {
        await client.create(Kinds.Service, { apiVersion: 'v1', kind: 'Service', metadata: { name: svc, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
      }
      const body: RolloutObject = {
        apiVersion: 'vane.dev/v1alpha1',
        kind: 'Rollout',
        metadata: { name, namespace },
        spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: template('img:1', name), strategy: { canary: { steps: [] } }, ...spec },
      };
      return client.create(Kinds.Rollout, body);
    },
    rollout: (name) => controller.informers.rollout(namespace, name) as RolloutObject | undefined,
    replicaSets(name) {
      const ro = harness.rollout(name);
      return ro ? controller.informers.replicaSetsOf(ro) : [];
    },
    async setImage(name, image) {
      const current = await client.get<RolloutObject>(Kinds.Rollout, namespace, name);
      const tpl = template(image, current?.spec.template?.metadata?.labels?.['app'] ?? name);
      await client.patch(Kinds.Rollout, namespace, name, { spec: { template: tpl } }, 'merge');
      return podTemplateHash(tpl);
    },
    async command(name, action) {
      const id = randomUUID();
      await client.patchStatus(Kinds.Rollout, namespace, name, { status: { command: { id, action, actor: 'tester', time: new Date().toISOString() } } }, 'merge');
      return id;
    },
    async waitFor(name, done, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ro = harness.rollout(name);
        if (ro && done(ro)) return ro;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify({ phase: ro?.status?.phase, message: ro?.status?.message, step: ro?.status?.currentStepIndex, lastCommand: ro?.status?.lastCommand })}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async events(name) {
      const { items } = await client.list<KubeObject & { reason: string; note: string; regarding?: { name?: string } }>(Kinds.Event, namespace);
      return items.filter((e) => e.regarding?.name === name).map((e) => ({ reason: e.reason, note: e.note }));
    },
    async eventsWith(name, reasons, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = await harness.events(name);
        if (reasons.every((reason) => events.some((e) => e.reason === reason))) return events;
        if (Date.now() > deadline) throw new Error(`timed out waiting for Events ${reasons.join(', ')} of ${name}; have ${events.map((e) => e.reason).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await controller.stop();
      await cluster.stop();
    },
  };
  return harness;
}

/** An AnalysisTemplate `name` that passes once the web endpoint `statsUrl` answers `{"errorRate": 0}`. */
export function passingWebTemplate(namespace: string, statsUrl: string, name = 'passing'): AnalysisTemplate & KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace },
    spec: { metrics: [{ name: 'error-rate', count: 1, successCondition: 'result == 0', provider: { web: { url: statsUrl, jsonPath: '$.errorRate' } } }] },
  };
}
