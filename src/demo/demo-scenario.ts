// The demo: the sandbox and the controller in one process, a canary walked to Healthy (with a promote command at
// its indefinite pause), a broken release whose pods never get ready, aborted by the progress deadline, then a release
// from git that fails its analysis gate and is rolled back by a revert commit (git-revert-release.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { createLogger } from '../logger.js';
import type { KubeObject } from '../kube/kube-object.js';
import { podTemplateHash } from '../resources/pod-template-hash.js';
import type { Rollout } from '../resources/rollout.js';
import { startSandbox } from '../sandbox/sandbox.js';
import { repositoryRoot, vaneCrdFiles } from '../cli/crd-paths.js';
import { startController } from '../cli/start-controller.js';
import { defaultDashboardDir } from '../server/dashboard-routes.js';
import { NAME, NAMESPACE, applyDocuments, promote, setImage, templateWithImage, waitFor } from './demo-rollout.js';
import { runGitRevertRelease } from './git-revert-release.js';
import { Timeline } from './timeline.js';

const GOOD_IMAGE = 'ghcr.io/vane-demo/web:1.1.0';

export interface DemoOptions {
  /** Where the API and the dashboard listen (on loopback); 0, the default, takes any free port. */
  port?: number;
  /** Once the scenario has run, keep the sandbox, the controller and the dashboard up until this resolves. */
  keepUntil?: Promise<void>;
}

export async function runDemo(print: (line: string) => void, options: DemoOptions = {}): Promise<boolean> {
  const manifests = readFileSync(join(repositoryRoot(), 'examples', 'demo-canary.yaml'), 'utf8');
  // The newcomer's own token, good for this sandbox only: the dashboard asks for it, as it asks a cluster's user.
  const viewer = { name: 'newcomer', token: randomBytes(16).toString('hex'), groups: ['system:masters'] };
  const sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), simulator: { readyDelayMs: 300 }, logLevel: 'silent', users: [viewer] });
  print(`sandbox API server at ${sandbox.url} (kubeconfig ${sandbox.kubeconfigPath})`);
  // The controller's clones for rollback by git revert; the demo's repository is a local path, hence allowLocalGitUrls.
  const gitWorkDir = mkdtempSync(join(tmpdir(), 'vane-demo-clones-'));
  const controller = await startController(
    { kubeconfig: sandbox.kubeconfigPath, workers: 2, leaderElection: false, leaseNamespace: 'default', leaseName: 'vane', leaseDurationMs: 15_000, identity: 'demo', logLevel: 'warn', apiPort: options.port ?? 0, gitWorkDir, allowLocalGitUrls: true },
    { logger: createLogger('warn') },
  );
  print(dashboardLine(controller.apiUrl, viewer.token));
  const timeline = new Timeline((line) => print(`  ${line}`));
  const observe = (): Rollout | undefined => {
    const rollout = controller.informers.rollout(NAMESPACE, NAME);
    if (rollout) timeline.observe(rollout, controller.informers.replicaSetsOf(rollout));
    return rollout;
  };
  try {
    await applyDocuments(controller.client, manifests);
    print('\n1. A new Rollout adopts its template as stable:');
    const first = await waitFor(observe, (ro) => ro.status?.phase === 'Healthy' && (ro.status.availableReplicas ?? 0) === 4, 'the first revision to be Healthy');

    print(`\n2. Rolling out image ${GOOD_IMAGE.split(':')[1]} through the canary steps (promoting at the indefinite pause, as \`vane promote\` would):`);
    const good = await setImage(controller.client, GOOD_IMAGE);
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
    const deadlineOk = aborted.status?.stableRS === good && first.status?.stableRS !== good;

    const gitops = await runGitRevertRelease({
      client: controller.client,
      observe,
      analysisRuns: (rollout) => controller.informers.analysisRunsOf(rollout),
      print,
      note: (line) => timeline.note(line),
      example: exampleRollout(manifests),
      stableImage: GOOD_IMAGE,
      stableHash: good,
    });

    const ok = deadlineOk && gitops.ok;
    const deadlineReason = (aborted.status?.message ?? '').split(';')[0];
    print(`\nresult: ${ok ? 'OK' : 'UNEXPECTED'} — stable is ${good} (image 1.1.0); the 2.0.0 canary was aborted: ${deadlineReason}; ${gitops.summary}`);
    if (options.keepUntil) {
      print(`\nthe sandbox, the controller and the dashboard keep running (${controller.apiUrl ?? ''}/dashboard/); press Ctrl-C to stop`);
      await options.keepUntil;
    }
    return ok;
  } finally {
    await controller.stop();
    await sandbox.stop();
    rmSync(gitWorkDir, { recursive: true, force: true });
  }
}

function dashboardLine(apiUrl: string | undefined, token: string): string {
  if (apiUrl === undefined) return 'dashboard: off';
  const built = existsSync(join(defaultDashboardDir(), 'index.html'));
  const where = `dashboard at ${apiUrl}/dashboard/ — log in with the token ${token}`;
  return built ? where : `${where} (not built yet: run \`npm run build:dashboard\` in another terminal, then reload)`;
}

function exampleRollout(manifests: string): Rollout & KubeObject {
  const rollout = (yaml.loadAll(manifests) as KubeObject[]).find((doc) => doc?.kind === 'Rollout');
  if (!rollout) throw new Error('examples/demo-canary.yaml has no Rollout');
  return rollout as Rollout & KubeObject;
}
