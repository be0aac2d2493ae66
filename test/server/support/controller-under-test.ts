// Runs the real Vane controller in-process against the harness's sandbox (no leader election, no API port), for the
// end-to-end command cycles.
import { KubeConfig } from '@kubernetes/client-node';
import { controllerConfig } from '../../../src/cli/controller-config.js';
import { startController, type RunningController } from '../../../src/cli/start-controller.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { silentLogger } from '../../../src/logger.js';
import { canaryRollout } from '../fixtures/rollouts.js';
import { create, until, type ApiHarness } from './api-harness.js';

export async function startControllerFor(h: ApiHarness): Promise<RunningController> {
  const kc = new KubeConfig();
  kc.loadFromString(h.sandbox.kubeconfig);
  // Through the CLI's own flag parsing, so new configuration fields get their defaults; no ambient environment.
  const config = controllerConfig({ workers: '2', leaderElect: false, logLevel: 'silent', apiPort: '-1' }, { POD_NAME: 'controller-under-test' });
  return startController(config, { kubeConfig: kc, logger: silentLogger });
}

/**
 * A canary Rollout with only weight and pause steps (no analysis), brought to Healthy on `shop:1`, then changed to
 * `shop:2` and left at its first indefinite pause (step 1), as the controller drives it.
 */
export async function rolloutPausedByController(h: ApiHarness, namespace: string, name: string): Promise<void> {
  for (const role of ['stable', 'canary']) {
    await h.kube.create(Kinds.Service, { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name: `${name}-${role}` }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
  }
  const rollout = canaryRollout(namespace, name, 'shop:1') as KubeObject & { spec: { strategy: { canary: { steps: unknown[] } } } };
  rollout.spec.strategy.canary.steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];
  await create(h.kube, 'Rollout', rollout);
  const status = () => h.readModel.rollout(namespace, name)?.status;
  await until(() => status()?.phase === 'Healthy', `${name} is Healthy on shop:1`, 30_000);
  await h.kube.patch(Kinds.Rollout, namespace, name, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'shop:2' }], 'json');
  await until(() => status()?.phase === 'Paused' && status()?.currentStepIndex === 1, `${name} pauses at step 1 of shop:2`, 30_000);
}
