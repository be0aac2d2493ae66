// Specification of the RBAC that deploy/kustomize grants: the controller, run as the install's ServiceAccount on
// the sandbox, walks a canary, a blue-green, an abort behind an analysis gate, a progress-deadline rollback without
// git, and rollbacks by git revert whose source it discovers from an Argo CD Application and from a Flux
// Kustomization (with their credentials Secrets), with commands through its HTTP API. Every request it makes must be
// allowed by the rendered roles, no rule may use `*`, and every grant must have been used or be listed below with the
// code path that needs it. The live Rollouts met on the way are also fed to the Argo CD health script.
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash } from '../../src/resources/pod-template-hash.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { SHARD_LABEL } from '../../src/kube/shard.js';
import type { Metric } from '../../src/resources/analysis.js';
import type { TrafficRouting } from '../../src/resources/rollout.js';
import {
  APP_MESH_ROUTING,
  albIngress,
  apisixRoute,
  appMeshObjects,
  baseMapping,
  destinationRule,
  HEADER_ROUTE,
  httpRoute,
  stableIngress,
  traefikService,
  virtualService,
} from '../traffic/support/router-fixtures.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { argoHealth } from './support/argocd-health-script.js';
import { startControllerRun, type ControllerRun, type RolloutObject } from './support/controller-run.js';
import { applyManifest, createGitRemote, type GitRemote } from '../support/git-remote.js';
import { KUSTOMIZE_DIR, onlyObject, renderKustomization, type ManifestObject } from './support/kustomize-render.js';
import { allowed, grantedPermissions, grantsFor, permissionKey, wildcards, type Grant } from './support/rbac-rules.js';

/**
 * Grants no scenario here exercises, each with the code that needs it. A grant neither recorded nor listed fails
 * the test: it would be more than Vane uses.
 */
const NEEDED_ELSEWHERE: Record<string, string> = {
  [permissionKey('create', '', 'services')]: 'an Experiment template with `service` (or an experiment step template with `weight`) gets a Service (reconcile/experiment-services); test/experiments/experiment-service shows it',
  [permissionKey('delete', '', 'services')]: 'an Experiment\'s template Service is deleted when its pods are scaled down (reconcile/experiment-services); test/experiments/experiment-service shows it',
  [permissionKey('patch', 'apps', 'deployments')]: 'workloadRef.scaleDown scales the referenced Deployment down (reconcile/workload-scale-down); test/reconcile/argo-spec-fields shows it',
  [permissionKey('list', '', 'pods')]: 'spec.restartAt lists the pods of a Rollout to recreate the old ones (reconcile/pod-restart); test/reconcile/argo-spec-fields shows it',
  [permissionKey('patch', '', 'pods')]: 'canaryMetadata/stableMetadata (previewMetadata/activeMetadata) move onto running pods with their role (reconcile/ephemeral-metadata); test/reconcile/ephemeral-metadata shows it',
  [permissionKey('delete', '', 'pods')]: 'spec.restartAt deletes pods older than that time (reconcile/pod-restart); test/reconcile/argo-spec-fields shows it',
  [permissionKey('get', 'vane.dev', 'rollouts')]: 'the API\'s command writer re-reads a Rollout live when its status patch meets a 409 (server/command-writer); timing decides whether a run shows it',
  [permissionKey('update', 'apisix.apache.org', 'apisixroutes')]: 'the APISIX router rewrites a header route\'s ApisixRoute when the route it copies changed (traffic/apisix-router setHeaderRoute)',
  [permissionKey('get', 'traefik.containo.us', 'traefikservices')]: 'the Traefik router reads Traefik v2\'s API group when traefik.io has no such TraefikService (traffic/traefik-router)',
  [permissionKey('patch', 'traefik.containo.us', 'traefikservices')]: 'the Traefik router patches the weights of a Traefik v2 TraefikService (traffic/traefik-router)',
  [permissionKey('delete', 'vane.dev', 'analysisruns')]: 'finished AnalysisRuns beyond spec.analysis history limits are deleted (reconcile/analysis-run-history); test/reconcile/analysis-run-options shows it',
  [permissionKey('get', 'vane.dev', 'notifiers')]: 'an invalid Notifier is re-read live before its Ready=False status is written (delivery/notifier-status); test/delivery/notification-outbox shows it',
  [permissionKey('update', 'vane.dev', 'notifiers/status')]: 'an invalid Notifier gets Ready=False with the reason (delivery/notifier-status); test/delivery/notification-outbox shows it',
  [permissionKey('get', 'vane.dev', 'clusternotifiers')]: 'an invalid ClusterNotifier is re-read live before its Ready=False status is written (delivery/notifier-status)',
  [permissionKey('update', 'vane.dev', 'clusternotifiers/status')]: 'an invalid ClusterNotifier gets Ready=False with the reason (delivery/notifier-status)',
  [permissionKey('update', 'getambassador.io', 'mappings')]: 'the Ambassador router rewrites the canary Mapping when a later pass changes its weight (traffic/ambassador-router setWeight); a run whose weights all change within one pass creates it once (reconcile/final-effects); test/traffic/ambassador-router shows it',
  [permissionKey('update', 'vane.dev', 'analysisruns/finalizers')]: 'a Job of the job metric provider names its AnalysisRun with blockOwnerDeletion (analysis/providers/job-provider); clusters with the OwnerReferencesPermissionEnforcement admission plugin check it, the sandbox does not',
};

const GITOPS_TOOL_CRDS = join(import.meta.dirname, 'fixtures', 'gitops-tool-crds.yaml');
const APP_PROJECT: ResourceKind = { group: 'argoproj.io', version: 'v1alpha1', kind: 'AppProject', plural: 'appprojects', namespaced: true };

function rolloutManifest(name: string, image: string, labels: Record<string, string>): string {
  return yaml.dump({
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: 'shop', labels },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
    },
  });
}

/** What Argo CD or Flux would do: make the live Rollout equal to the manifest at the remote's head. */
function sync(run: ControllerRun, remote: GitRemote, path: string): Promise<RolloutObject> {
  return applyManifest<RolloutObject>(run.admin, Kinds.Rollout, remote.show(path));
}

async function waitUntilGone(run: ControllerRun, name: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (await run.admin.get(Kinds.Rollout, 'shop', name)) {
    if (Date.now() > deadline) throw new Error(`Rollout shop/${name} was not finalized`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A release that never becomes ready, in git: the abort reverts it there, found through the GitOps tool's objects. */
async function releaseRevertedInGit(run: ControllerRun, remote: GitRemote, name: string, labels: Record<string, string>): Promise<string> {
  const path = `apps/${name}/rollout.yaml`;
  remote.commit(path, rolloutManifest(name, 'ghcr.io/acme/shop:1.0.0', labels), `Add ${name}`);
  await sync(run, remote, path);
  await run.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name} adopted`);
  remote.commit(path, rolloutManifest(name, 'ghcr.io/acme/shop:2.0.0', labels), `Bump ${name} to 2.0.0`);
  const bumped = await sync(run, remote, path);
  run.sandbox.simulator.failReadiness(podTemplateHash(bumped.spec.template!));
  const reverted = await run.waitFor(name, (ro) => ro.status?.rollback?.git?.state === 'Committed' || ro.status?.rollback?.git?.state === 'Failed', `${name} reverted in git`);
  expect(reverted.status?.rollback?.git, JSON.stringify(reverted.status?.rollback)).toMatchObject({ state: 'Committed', commit: remote.head().sha });
  return remote.head().message;
}

function requestKey(r: { verb: string; group: string; resource: string; subresource?: string | undefined }): string {
  return permissionKey(r.verb, r.group, r.subresource ? `${r.resource}/${r.subresource}` : r.resource);
}

function envOf(objects: readonly ManifestObject[]): NodeJS.ProcessEnv {
  const deployment = onlyObject(objects, 'Deployment', 'vane-controller');
  const container = (deployment['spec'] as { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } }).template.spec.containers[0]!;
  return Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
}

const isHealthyOn = (hash: string) => (ro: RolloutObject): boolean => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash && ro.status.observedGeneration === ro.metadata.generation;

interface Audit {
  missing: string[];
  unused: string[];
  wildcard: string[];
}

function audit(run: ControllerRun, grants: Grant[]): Audit {
  const missing = new Set<string>();
  for (const r of run.requests) {
    if (!allowed(grants, r)) missing.add(`${requestKey(r)} in ${r.namespace ?? '(cluster)'}${r.name ? ` name ${r.name}` : ''}`);
  }
  const used = new Set(run.requests.map(requestKey));
  const unused = [...grantedPermissions(grants)].filter((key) => !used.has(key) && NEEDED_ELSEWHERE[key] === undefined);
  return { missing: [...missing].sort(), unused: unused.sort(), wildcard: wildcards(grants) };
}

describe('RBAC of the cluster-wide install (deploy/kustomize/base)', () => {
  let run: ControllerRun;
  let grants: Grant[];
  let remote: GitRemote | undefined;
  const revertMessages: string[] = [];
  const seen: Array<{ what: string; object: RolloutObject; expect: string }> = [];

  beforeAll(async () => {
    const objects = await renderKustomization(join(KUSTOMIZE_DIR, 'base'));
    const account = onlyObject(objects, 'ServiceAccount');
    grants = grantsFor(objects, { namespace: account.metadata.namespace!, name: account.metadata.name });
    run = await startControllerRun({ account: { namespace: account.metadata.namespace!, name: account.metadata.name }, namespace: 'shop', env: envOf(objects) });

    // A canary with a manual gate, promoted through the API; old ReplicaSets pruned (revisionHistoryLimit 0).
    await run.createRollout('web', { revisionHistoryLimit: 0, strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', steps: [{ setWeight: 50 }, { pause: {} }] } } }, ['web-stable', 'web-canary']);
    const first = await run.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'web adopted');
    seen.push({ what: 'a Rollout adopted at its first revision', object: first, expect: 'Healthy' });
    const { hash: next, rollout: unobserved } = await run.setImage('web', 'img:2');
    seen.push({ what: 'a Rollout whose new spec is not observed yet', object: unobserved, expect: 'Progressing' });
    const paused = await run.waitFor('web', (ro) => ro.status?.phase === 'Paused' && ro.status.observedGeneration === ro.metadata.generation, 'web paused at the gate');
    seen.push({ what: 'a canary paused until promoted', object: paused, expect: 'Suspended' });
    expect(await run.command('web', 'promote')).toBe(202);
    await run.waitFor('web', isHealthyOn(next), 'web promoted');

    // A blue-green switch, promoted through the API.
    await run.createRollout('bg', { strategy: { blueGreen: { activeService: 'bg-active', previewService: 'bg-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 1 } } }, ['bg-active', 'bg-preview']);
    await run.waitFor('bg', (ro) => ro.status?.phase === 'Healthy', 'bg adopted');
    const { hash: bgNext } = await run.setImage('bg', 'img:2');
    seen.push({ what: 'a blue-green waiting for promotion', object: await run.waitFor('bg', (ro) => ro.status?.phase === 'Paused', 'bg preview ready'), expect: 'Suspended' });
    expect(await run.command('bg', 'promote')).toBe(202);
    await run.waitFor('bg', isHealthyOn(bgNext), 'bg promoted');

    // A gate measured by a Job that succeeds: the Job is created and read back until it completes.
    const jobMetric = (name: string, script: string): Metric => ({
      name,
      provider: { job: { spec: { backoffLimit: 0, template: { spec: { containers: [{ name: 'check', image: 'alpine:3.8', command: ['sh', '-c'], args: [script] }], restartPolicy: 'Never' } } } } },
    });
    await run.admin.create(Kinds.AnalysisTemplate, { apiVersion: 'vane.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'smoke', namespace: run.namespace }, spec: { metrics: [jobMetric('smoke', 'exit 0')] } });
    await run.createRollout('smoked', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'smoke' }] } }] } } });
    await run.waitFor('smoked', (ro) => ro.status?.phase === 'Healthy', 'smoked adopted');
    const { hash: smoked } = await run.setImage('smoked', 'img:2');
    await run.waitFor('smoked', isHealthyOn(smoked), 'smoked past its Job gate');

    // An abort through the API, mid-canary, behind an analysis gate: traffic back to stable, the run terminated and
    // the Job it still runs deleted.
    await run.admin.create(Kinds.AnalysisTemplate, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'error-rate', namespace: run.namespace },
      spec: { metrics: [{ name: 'errors', interval: '1h', successCondition: 'result[0] < 0.01', provider: { prometheus: { address: 'http://127.0.0.1:9', query: 'vector(0)' } } }, jobMetric('soak', 'sleep infinity')] },
    });
    await run.createRollout('gated', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'error-rate' }] } }, { pause: {} }] } } });
    await run.waitFor('gated', (ro) => ro.status?.phase === 'Healthy', 'gated adopted');
    await run.setImage('gated', 'img:2');
    await run.waitFor('gated', (ro) => (ro.status?.analysisRuns ?? []).length > 0, 'the analysis run');
    for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 50))) {
      const { items } = await run.admin.list(Kinds.Job, 'shop');
      if (items.some((job) => job.metadata.annotations?.['analysisrun.vane.dev/metric-name'] === 'soak')) break;
      if (Date.now() > deadline) throw new Error('the soak Job was never created');
    }
    expect(await run.command('gated', 'abort')).toBe(202);
    const aborted = await run.waitFor('gated', (ro) => ro.status?.phase === 'Degraded' && ro.status.canary?.weights?.canary === 0, 'gated aborted');
    seen.push({ what: 'a canary aborted by a person', object: aborted, expect: 'Degraded' });

    // An experiment step: its Experiment created and run (its own reconciler writes its status), then terminated by a
    // promote that skips the step.
    await run.createRollout('exp', { strategy: { canary: { steps: [{ experiment: { templates: [{ name: 'canary', specRef: 'canary' }] } }, { pause: {} }] } } });
    await run.waitFor('exp', (ro) => ro.status?.phase === 'Healthy', 'exp adopted');
    await run.setImage('exp', 'img:2');
    const atExperiment = await run.waitFor('exp', (ro) => ro.status?.canary?.currentExperiment !== undefined, 'exp at its experiment step');
    const experimentName = atExperiment.status?.canary?.currentExperiment ?? '';
    for (let i = 0; i < 400 && (await run.admin.get<KubeObject & { status?: { phase?: string } }>(Kinds.Experiment, 'shop', experimentName))?.status?.phase !== 'Running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await run.command('exp', 'promote')).toBe(202);
    await run.waitFor('exp', (ro) => ro.status?.currentStepIndex === 1 && ro.status.phase === 'Paused', 'exp past its experiment step');

    // A release that never becomes ready: the progress deadline aborts it and rolls back without git.
    await run.createRollout('stuck', { progressDeadlineSeconds: 1, strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await run.waitFor('stuck', (ro) => ro.status?.phase === 'Healthy', 'stuck adopted');
    run.sandbox.simulator.failReadiness((await run.setImage('stuck', 'img:broken')).hash);
    await run.waitFor('stuck', (ro) => ro.status?.phase === 'Degraded', 'stuck rolled back');

    // Rollbacks by git revert, the source discovered from Argo CD, then from Flux, each with a credentials Secret.
    remote = createGitRemote();
    await run.sandbox.loadCrdFile(GITOPS_TOOL_CRDS);
    const object = (apiVersion: string, kind: string, namespace: string, name: string, rest: object): KubeObject => ({ apiVersion, kind, metadata: { name, namespace }, ...rest }) as KubeObject;
    for (const ns of ['argocd', 'flux-system']) await run.admin.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // As Argo CD and Flux leave them: the default AppProject, an Application deploying to shop, a Kustomization whose
    // inventory lists the Rollout it applied (Vane follows them only when they prove they manage the Rollout).
    await run.admin.create(APP_PROJECT, object('argoproj.io/v1alpha1', 'AppProject', 'argocd', 'default', { spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] } }));
    await run.admin.create(Kinds.ArgoApplication, object('argoproj.io/v1alpha1', 'Application', 'argocd', 'shop-argo', { spec: { project: 'default', source: { repoURL: remote.url, path: 'apps/via-argo', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } } }));
    await run.admin.create(Kinds.Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'repo-platform', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
      stringData: { url: remote.url, username: 'git', password: 'token' },
    } as KubeObject);
    revertMessages.push(await releaseRevertedInGit(run, remote, 'via-argo', { 'app.kubernetes.io/instance': 'shop-argo' }));
    await run.admin.create(Kinds.FluxGitRepository, object('source.toolkit.fluxcd.io/v1', 'GitRepository', 'flux-system', 'platform', { spec: { url: remote.url, ref: { branch: 'main' }, secretRef: { name: 'platform-git' } } }));
    await run.admin.create(Kinds.FluxKustomization, object('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-system', 'shop-flux', { spec: { sourceRef: { kind: 'GitRepository', name: 'platform' }, path: './apps/via-flux' }, status: { inventory: { entries: [{ id: 'shop_via-flux_vane.dev_Rollout', v: 'v1alpha1' }] } } }));
    await run.admin.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'platform-git', namespace: 'flux-system' }, stringData: { username: 'git', password: 'token' } } as KubeObject);
    revertMessages.push(await releaseRevertedInGit(run, remote, 'via-flux', { 'kustomize.toolkit.fluxcd.io/name': 'shop-flux', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }));

    // Traffic routing through every provider: weights written mid-canary, then the Rollout deleted and the
    // routing finalized (Vane's changes undone, owned objects removed).
    for (const file of ROUTING_CRD_FILES) await run.sandbox.loadCrdFile(file);
    await run.admin.create(Kinds.HTTPRoute, httpRoute('shop', 'route-gw'));
    await run.admin.create(Kinds.DestinationRule, destinationRule('shop'));
    await run.admin.create(Kinds.VirtualService, virtualService('shop', [{ host: 'web', subset: 'stable' }, { host: 'web', subset: 'canary' }], 'vs-istio'));
    await run.admin.create(Kinds.Ingress, stableIngress('shop', 'ing-nginx'));
    await run.admin.create(Kinds.ApisixRoute, apisixRoute('shop', 'route-apisix'));
    for (const { kind, object } of appMeshObjects('shop')) await run.admin.create(kind, object);
    await run.admin.create(Kinds.TraefikService, traefikService('shop', Kinds.TraefikService, 'wrr-traefik'));
    await run.admin.create(Kinds.Ingress, albIngress('shop', 'ing-alb', 'web-stable'));
    await run.admin.create(Kinds.AmbassadorMapping, baseMapping('shop', 'map-web', '/web/'));
    const routings: Record<string, TrafficRouting> = {
      'via-gw': { gatewayAPI: { httpRoutes: [{ name: 'route-gw' }] } },
      'via-istio': { istio: { virtualService: { name: 'vs-istio' }, destinationRule: { name: 'web', canarySubsetName: 'canary', stableSubsetName: 'stable' } } },
      'via-smi': { smi: { rootService: 'web' } },
      'via-nginx': { nginx: { stableIngress: 'ing-nginx' } },
      'via-apisix': { apisix: { route: { name: 'route-apisix', rules: ['main'] } } },
      'via-appmesh': APP_MESH_ROUTING,
      'via-traefik': { traefik: { weightedTraefikServiceName: 'wrr-traefik' } },
      'via-alb': { alb: { ingress: 'ing-alb', servicePort: 80 } },
      'via-ambassador': { ambassador: { mappings: ['map-web'] } },
    };
    for (const [name, trafficRouting] of Object.entries(routings)) {
      // APISIX keeps a header route in an ApisixRoute of its own, created and (at deletion) removed by Vane.
      const headerRoute = name === 'via-apisix' ? [{ setHeaderRoute: { name: HEADER_ROUTE.name, match: HEADER_ROUTE.match } }] : [];
      await run.createRollout(name, { strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', trafficRouting, steps: [{ setWeight: 20 }, ...headerRoute, { setWeight: 50 }, { pause: {} }] } } });
      await run.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name} adopted`);
      await run.setImage(name, 'img:2');
      await run.waitFor(name, (ro) => ro.status?.phase === 'Paused', `${name} at 50`);
      await run.admin.delete(Kinds.Rollout, 'shop', name);
      await waitUntilGone(run, name);
    }

    await run.stopController();
  }, 300_000);

  afterAll(async () => {
    await run?.close();
    remote?.remove();
  });

  it('given releases reverted through Argo CD and Flux discovery, then each revert commit is git\'s own wording with Vane\'s trailers', () => {
    expect(revertMessages.map((m) => m.split('\n')[0])).toEqual(['Revert "Bump via-argo to 2.0.0"', 'Revert "Bump via-flux to 2.0.0"']);
    expect(revertMessages[0]).toContain('Vane-Rollout: shop/via-argo');
    expect(revertMessages[1]).toContain('Vane-Rollout: shop/via-flux');
  });

  it('given the recorded requests, then the controller made them as its ServiceAccount, leases and status writes included', () => {
    const used = new Set(run.requests.map(requestKey));
    for (const key of ['watch vane.dev/rollouts', 'update vane.dev/rollouts/status', 'create apps/replicasets', 'patch core/services', 'create coordination.k8s.io/leases', 'create authentication.k8s.io/tokenreviews', 'create authorization.k8s.io/subjectaccessreviews']) {
      expect(used, key).toContain(key);
    }
  });

  it('given the ClusterRole and the lease Role, then every request the controller made is allowed', () => {
    expect(audit(run, grants).missing).toEqual([]);
  });

  it('given the rules bound to the controller, then none uses a wildcard', () => {
    expect(audit(run, grants).wildcard).toEqual([]);
  });

  it('given the rules bound to the controller, then each was used or is needed by a listed code path', () => {
    expect(audit(run, grants).unused).toEqual([]);
  });

  it('given the live Rollouts met on the way, then Argo CD reads the health a person would expect', async () => {
    expect(new Set(seen.map((s) => s.expect))).toEqual(new Set(['Healthy', 'Progressing', 'Suspended', 'Degraded']));
    for (const sample of seen) expect((await argoHealth(sample.object)).status, sample.what).toBe(sample.expect);
  });
});

describe('RBAC of the namespaced install (deploy/kustomize/overlays/namespaced)', () => {
  let run: ControllerRun;
  let grants: Grant[];

  beforeAll(async () => {
    const objects = await renderKustomization(join(KUSTOMIZE_DIR, 'overlays', 'namespaced'));
    const account = onlyObject(objects, 'ServiceAccount');
    const namespace = account.metadata.namespace!;
    grants = grantsFor(objects, { namespace, name: account.metadata.name });
    run = await startControllerRun({ account: { namespace, name: account.metadata.name }, namespace, watchNamespace: namespace, env: envOf(objects) });
    await run.createRollout('web', { revisionHistoryLimit: 0, strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', steps: [{ setWeight: 50 }, { pause: {} }] } } }, ['web-stable', 'web-canary']);
    await run.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'web adopted');
    const { hash: next } = await run.setImage('web', 'img:2');
    await run.waitFor('web', (ro) => ro.status?.phase === 'Paused', 'web paused at the gate');
    expect(await run.command('web', 'promote')).toBe(202);
    await run.waitFor('web', isHealthyOn(next), 'web promoted');
    await run.setImage('web', 'img:3');
    await run.waitFor('web', (ro) => ro.status?.phase === 'Paused', 'web paused again');
    expect(await run.command('web', 'abort')).toBe(202);
    await run.waitFor('web', (ro) => ro.status?.phase === 'Degraded', 'web aborted');
    await run.stopController();
  }, 240_000);

  afterAll(async () => {
    await run?.close();
  });

  it('given the namespace Role and the cluster-scoped leftovers, then every request the controller made is allowed, none by wildcard', () => {
    const result = audit(run, grants);
    expect(result.missing).toEqual([]);
    expect(result.wildcard).toEqual([]);
  });

  it('given the recorded requests, then none reached into another namespace', () => {
    const elsewhere = run.requests.filter((r) => r.namespace !== undefined && r.namespace !== run.namespace).map(requestKey);
    expect(elsewhere).toEqual([]);
  });
});

/** Waits until the leader has put a shard label on an object the test made without one. */
async function waitForShardLabel(run: ControllerRun, kind: ResourceKind, name: string): Promise<string> {
  for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const label = (await run.admin.get(kind, run.namespace, name))?.metadata.labels?.[SHARD_LABEL];
    if (label !== undefined) return label;
    if (Date.now() > deadline) throw new Error(`${kind.kind} ${run.namespace}/${name} was never labelled with its shard`);
  }
}

describe('RBAC of the sharded install (deploy/kustomize/base with components/sharded)', () => {
  let run: ControllerRun;
  let grants: Grant[];
  const labelled: Record<string, string> = {};

  beforeAll(async () => {
    const objects = await renderKustomization(join(import.meta.dirname, 'fixtures', 'sharded'));
    const account = onlyObject(objects, 'ServiceAccount');
    grants = grantsFor(objects, { namespace: account.metadata.namespace!, name: account.metadata.name });
    // The rendered env sets VANE_SHARDS: this one replica holds every shard's Lease, its member Lease and the leader's.
    run = await startControllerRun({ account: { namespace: account.metadata.namespace!, name: account.metadata.name }, namespace: 'shop', env: envOf(objects) });
    expect(run.controller.sharding, 'the rendered Deployment starts a sharded controller').toBeDefined();

    // Two Rollouts to completion, labelled with their shard by the leader and acted on by the shard's holder.
    await run.createRollout('web', { strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', steps: [{ setWeight: 50 }, { pause: {} }] } } }, ['web-stable', 'web-canary']);
    await run.createRollout('api', { strategy: { canary: { steps: [{ setWeight: 50 }] } } });
    for (const name of ['web', 'api']) await run.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name} adopted`);
    const { hash: webNext } = await run.setImage('web', 'img:2');
    const { hash: apiNext } = await run.setImage('api', 'img:2');
    await run.waitFor('web', (ro) => ro.status?.phase === 'Paused' && ro.status.observedGeneration === ro.metadata.generation, 'web paused at the gate');
    expect(await run.command('web', 'promote')).toBe(202);
    await run.waitFor('web', isHealthyOn(webNext), 'web promoted');
    await run.waitFor('api', isHealthyOn(apiNext), 'api released');

    // What a controller from before sharding left unlabelled: the leader re-reads each live and labels it; a child of
    // an Experiment follows the Experiment, also read live.
    const metadata = (name: string): KubeObject['metadata'] => ({ name, namespace: run.namespace });
    const podTemplate = { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } };
    await run.admin.create(Kinds.AnalysisRun, { apiVersion: 'vane.dev/v1alpha1', kind: 'AnalysisRun', metadata: metadata('legacy-run'), spec: { terminate: true, metrics: [{ name: 'up', provider: { prometheus: { address: 'http://127.0.0.1:9', query: 'vector(1)' } } }] } } as KubeObject);
    const experiment = await run.admin.create(Kinds.Experiment, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Experiment',
      metadata: metadata('legacy-exp'),
      spec: { terminate: true, templates: [{ name: 'baseline', replicas: 0, selector: { matchLabels: { app: 'legacy' } }, template: podTemplate }] },
    } as KubeObject);
    await run.admin.create(Kinds.ReplicaSet, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...metadata('legacy-exp-old'),
        labels: { [POD_TEMPLATE_HASH_LABEL]: 'old' },
        ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'Experiment', name: 'legacy-exp', uid: experiment.metadata.uid!, controller: true }],
      },
      spec: { replicas: 0, selector: { matchLabels: { app: 'legacy' } }, template: podTemplate },
    } as KubeObject);
    labelled['AnalysisRun'] = await waitForShardLabel(run, Kinds.AnalysisRun, 'legacy-run');
    labelled['Experiment'] = await waitForShardLabel(run, Kinds.Experiment, 'legacy-exp');
    labelled['ReplicaSet'] = await waitForShardLabel(run, Kinds.ReplicaSet, 'legacy-exp-old');

    // SIGTERM: every shard handed over and its Lease released (read, then updated).
    await run.stopController();
  }, 240_000);

  afterAll(async () => {
    await run?.close();
  });

  it('given objects made before sharding, then the leader labels them, an Experiment\'s child with the Experiment\'s shard', () => {
    expect(labelled['ReplicaSet']).toBe(labelled['Experiment']);
    expect(Object.keys(labelled).sort()).toEqual(['AnalysisRun', 'Experiment', 'ReplicaSet']);
  });

  it('given the base roles and the component\'s, then every request of the sharded controller is allowed, none by wildcard', () => {
    const result = audit(run, grants);
    expect(result.missing).toEqual([]);
    expect(result.wildcard).toEqual([]);
  });

  it('given the component\'s own Role and ClusterRole, then the sharded controller used every grant in them', () => {
    const used = new Set(run.requests.map(requestKey));
    const added = grantedPermissions(grants.filter((g) => /vane-shard-leases|vane-controller-sharded/.test(g.source)));
    expect(added.size).toBeGreaterThan(0);
    expect([...added].filter((key) => !used.has(key))).toEqual([]);
  });
});
