// The rollouts the dashboard's browser tests look at, each brought to its phase by the real controller: two canaries
// paused at step 1, a Healthy one ready to be released, one waiting out a timed pause, and one aborted by a failing
// analysis (a `web` metric against a local HTTP server) and reverted on a local git remote.
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import type { AnalysisTemplate } from '../../../src/resources/analysis.js';
import type { Rollout } from '../../../src/resources/rollout.js';
import { startStubHttpServer, type StubHttpServer } from '../../analysis/support/stub-http-server.js';
import { canaryRollout } from '../../server/fixtures/rollouts.js';
import { create, createNamespace, until, type ApiHarness } from '../../server/support/api-harness.js';
import { rolloutPausedByController } from '../../server/support/controller-under-test.js';
import { applyManifest, createGitRemote, type GitRemote } from '../../support/git-remote.js';
import { webRolloutManifest } from '../../support/web-rollout-manifest.js';

export const SHOP = 'shop';
export const PAY = 'pay';
export const SEARCH = 'search';
/** Paused at step 1: looked at by the list, and by a read-only user. */
export const CART = 'cart';
/** Paused at step 1: promoted by a test. */
export const CHECKOUT = 'checkout';
/** Healthy, with a pause step: released by a test while the list is open. */
export const LEDGER = 'ledger';
/** In a one-hour timed pause. */
export const INDEXER = 'indexer';
/** Aborted by analysis and reverted in git. */
export const WEB = 'web';
export const METRIC = 'error-ratio';
/** The error ratios the metric endpoint answers, in turn; every one fails `result < 0.01`. */
export const FAILING_RATIOS = [0.12, 0.2, 0.17];
const FILE = 'apps/web/rollout.yaml';
const STABLE_IMAGE = 'ghcr.io/acme/web:1.0.0';
const FAILING_IMAGE = 'ghcr.io/acme/web:2.0.0';

type RolloutObject = Rollout & KubeObject;

export interface DashboardScene {
  /** The git remote the web Rollout is kept in; its newest commit is Vane's revert. */
  remote: GitRemote;
  metrics: StubHttpServer;
  close(): Promise<void>;
}

/** Creates every rollout of the scene and waits until each is where the tests expect it. */
export async function buildDashboardScene(h: ApiHarness): Promise<DashboardScene> {
  for (const ns of [SHOP, PAY, SEARCH]) await createNamespace(h.kube, ns);
  let turn = 0;
  const metrics = await startStubHttpServer(() => ({ status: 200, body: { errorRatio: FAILING_RATIOS[turn++ % FAILING_RATIOS.length] } }));
  const remote = createGitRemote();
  try {
    await Promise.all([
      rolloutPausedByController(h, SHOP, CART),
      rolloutPausedByController(h, SHOP, CHECKOUT),
      healthyWithPause(h, PAY, LEDGER, [{ setWeight: 20 }, { pause: {} }]),
      healthyWithPause(h, SEARCH, INDEXER, [{ setWeight: 10 }, { pause: { duration: '1h' } }]).then(() => setImage(h, SEARCH, INDEXER, 'shop:2')),
      abortedByAnalysis(h, remote, metrics.url),
    ]);
    await until(() => h.readModel.rollout(SEARCH, INDEXER)?.status?.currentStepIndex === 1, `${INDEXER} waits in its timed pause`, 30_000);
  } catch (err) {
    remote.remove();
    await metrics.stop();
    throw err;
  }
  return {
    remote,
    metrics,
    async close() {
      remote.remove();
      await metrics.stop();
    },
  };
}

/** A canary Rollout with `steps`, on `shop:1`, once the controller calls it Healthy. */
async function healthyWithPause(h: ApiHarness, namespace: string, name: string, steps: unknown[]): Promise<void> {
  for (const role of ['stable', 'canary']) {
    await h.kube.create(Kinds.Service, { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name: `${name}-${role}` }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
  }
  const rollout = canaryRollout(namespace, name, 'shop:1') as KubeObject & { spec: { strategy: { canary: { steps: unknown[] } } } };
  rollout.spec.strategy.canary.steps = steps;
  await create(h.kube, 'Rollout', rollout);
  await until(() => h.readModel.rollout(namespace, name)?.status?.phase === 'Healthy', `${name} is Healthy on shop:1`, 30_000);
}

/** Changes the Rollout's one container's image, as a release does. */
export async function setImage(h: ApiHarness, namespace: string, name: string, image: string): Promise<void> {
  await h.kube.patch(Kinds.Rollout, namespace, name, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }], 'json');
}

function errorRatioTemplate(url: string): AnalysisTemplate & KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: METRIC, namespace: SHOP },
    // Three measurements a second apart, so the chart has a line; the third failure fails the metric.
    spec: { metrics: [{ name: METRIC, interval: '1s', count: 3, failureLimit: 2, successCondition: 'result < 0.01', provider: { web: { url: `${url}/error-ratio`, jsonPath: '$.errorRatio' } } }] },
  };
}

/**
 * As the GitOps tool and a release manager would see it: `web` adopted on 1.0.0 from the remote, bumped to 2.0.0 in
 * git, the analysis step fails, the controller aborts and pushes a revert commit. Left Degraded (not re-synced).
 */
async function abortedByAnalysis(h: ApiHarness, remote: GitRemote, metricsUrl: string): Promise<void> {
  await h.kube.create(Kinds.AnalysisTemplate, errorRatioTemplate(metricsUrl));
  const steps = `        - analysis:\n            templates:\n              - templateName: ${METRIC}\n        - setWeight: 100\n`;
  const manifest = (image: string): string => webRolloutManifest({ namespace: SHOP, image, repoURL: remote.url, steps });
  const sync = (): Promise<RolloutObject> => applyManifest(h.kube, Kinds.Rollout, remote.show(FILE));
  const status = (): Rollout['status'] => (h.readModel.rollout(SHOP, WEB) as RolloutObject | undefined)?.status;
  remote.commit(FILE, manifest(STABLE_IMAGE), 'Add web');
  await sync();
  await until(() => status()?.phase === 'Healthy', 'web is Healthy on 1.0.0', 30_000);
  remote.commit(FILE, manifest(FAILING_IMAGE), 'Bump web to 2.0.0');
  await sync();
  await until(() => status()?.phase === 'Degraded' && status()?.rollback?.git?.state === 'Committed', 'web is aborted by its analysis and reverted in git', 45_000);
}
