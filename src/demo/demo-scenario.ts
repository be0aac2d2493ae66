// The demo: the sandbox and the controller in one process, a canary walked to Healthy (with a promote command at
// its indefinite pause), then a broken release whose pods never get ready, aborted by the progress deadline.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { createLogger } from '../logger.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds, type ResourceKind } from '../kube/resource-kind.js';
import { podTemplateHash } from '../resources/pod-template-hash.js';
import type { Rollout } from '../resources/rollout.js';
import { startSandbox } from '../sandbox/sandbox.js';
import { repositoryRoot, vaneCrdFiles } from '../cli/crd-paths.js';
import { startController } from '../cli/start-controller.js';
import { Timeline } from './timeline.js';

const NAMESPACE = 'demo';
const NAME = 'web';
const KEY = `${NAMESPACE}/${NAME}`;

export async function runDemo(print: (line: string) => void): Promise<boolean> {
  const sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), simulator: { readyDelayMs: 300 }, logLevel: 'silent' });
  print(`sandbox API server at ${sandbox.url} (kubeconfig ${sandbox.kubeconfigPath})`);
  const controller = await startController(
    { kubeconfig: sandbox.kubeconfigPath, workers: 2, leaderElection: false, leaseNamespace: 'default', leaseName: 'vane', leaseDurationMs: 15_000, identity: 'demo', logLevel: 'warn', apiPort: -1 },
    { logger: createLogger('warn') },
  );
  const timeline = new Timeline((line) => print(`  ${line}`));
  const observe = (): Rollout | undefined => {
    const rollout = controller.informers.rollout(NAMESPACE, NAME);
    if (rollout) timeline.observe(rollout, controller.informers.replicaSetsOf(rollout));
    return rollout;
  };
  try {
    await applyFile(controller.client, join(repositoryRoot(), 'examples', 'demo-canary.yaml'));
    print('\n1. A new Rollout adopts its template as stable:');
    const first = await waitFor(observe, (ro) => ro.status?.phase === 'Healthy' && (ro.status.availableReplicas ?? 0) === 4, 'the first revision to be Healthy');

    print('\n2. Rolling out image 1.1.0 through the canary steps (promoting at the indefinite pause, as `vane promote` would):');
    const good = await setImage(controller.client, 'ghcr.io/vane-demo/web:1.1.0');
    let promoted = false;
    const healthy = await waitFor(
      observe,
      (ro) => {
        if (!promoted && ro.status?.pauseConditions?.some((p) => p.reason === 'CanaryPauseStep') && ro.status.currentStepIndex === 3) {
          promoted = true;
          void promote(controller.client, ro);
        }
        return ro.status?.phase === 'Healthy' && ro.status.stableRS === good;
      },
      'image 1.1.0 to be promoted',
    );

    print('\n3. Rolling out image 2.0.0, whose pods never become ready: the progress deadline aborts it:');
    const brokenTemplate = templateWithImage(healthy, 'ghcr.io/vane-demo/web:2.0.0');
    sandbox.simulator.failReadiness(podTemplateHash(brokenTemplate));
    await setImage(controller.client, 'ghcr.io/vane-demo/web:2.0.0');
    const aborted = await waitFor(observe, (ro) => ro.status?.phase === 'Degraded', 'the broken release to abort');
    await waitFor(observe, (ro) => (ro.status?.canary?.weights?.canary ?? -1) === 0, 'traffic back on stable');

    const ok = aborted.status?.stableRS === good && first.status?.stableRS !== good;
    print(`\nresult: ${ok ? 'OK' : 'UNEXPECTED'} — stable is ${aborted.status?.stableRS} (image 1.1.0), the 2.0.0 canary was aborted: ${aborted.status?.message ?? ''}`);
    return ok;
  } finally {
    await controller.stop();
    await sandbox.stop();
  }
}

async function applyFile(client: KubeClient, path: string): Promise<void> {
  for (const doc of yaml.loadAll(readFileSync(path, 'utf8')) as KubeObject[]) {
    if (!doc) continue;
    await client.create(kindOf(doc), doc);
  }
}

function kindOf(obj: KubeObject): ResourceKind {
  const kind = Object.values(Kinds).find((k) => k.kind === obj.kind && (k.group ? `${k.group}/${k.version}` : k.version) === obj.apiVersion);
  if (!kind) throw new Error(`the demo cannot apply ${obj.apiVersion} ${obj.kind}`);
  return kind;
}

function templateWithImage(rollout: Rollout, image: string): NonNullable<Rollout['spec']['template']> {
  const template = structuredClone(rollout.spec.template);
  if (!template?.spec.containers[0]) throw new Error('demo Rollout has no container');
  template.spec.containers[0].image = image;
  return template;
}

/** Changes the image as a GitOps sync would; returns the new pod-template hash. */
async function setImage(client: KubeClient, image: string): Promise<string> {
  const current = await client.get<Rollout & KubeObject>(Kinds.Rollout, NAMESPACE, NAME);
  if (!current) throw new Error(`Rollout ${KEY} disappeared`);
  const template = templateWithImage(current, image);
  const written = await client.patch<Rollout & KubeObject>(Kinds.Rollout, NAMESPACE, NAME, { spec: { template } }, 'merge');
  return podTemplateHash(written.spec.template ?? template);
}

/** Writes a promote command to status, exactly as the API and the CLI do. */
async function promote(client: KubeClient, rollout: Rollout): Promise<void> {
  const command = { id: randomUUID(), action: 'promote', actor: 'demo', time: new Date().toISOString() };
  await client.patchStatus(Kinds.Rollout, NAMESPACE, NAME, { metadata: { resourceVersion: rollout.metadata.resourceVersion }, status: { command } }, 'merge').catch(() => undefined);
}

async function waitFor(observe: () => Rollout | undefined, done: (ro: Rollout) => boolean, what: string, timeoutMs = 60_000): Promise<Rollout> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rollout = observe();
    if (rollout && done(rollout)) return rollout;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}


