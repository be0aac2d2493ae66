// Contract: kubectl against the target: apply of Vane's and the fixture CRDs, routing objects, an invalid custom
// resource (422 naming the field), get/patch/edit/delete with server dry runs, api-resources.
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CRD_DIR } from '../fixtures/fixture-files.js';
import { openTestCluster, type TestCluster } from './support/test-cluster.js';
import { itWhere, kubernetesAtLeast, testTarget } from './support/test-target.js';

const VANE_CRDS = join(import.meta.dirname, '../../crds');
const EXAMPLES = join(import.meta.dirname, '../../examples');

let cluster: TestCluster;
let ns: string;
let scratch: string;

/** Gateway API's HTTPRoute CRD (a fixture, and used by examples/) carries CEL rules; the later tests need it installed. */
const itWithHttpRouteCrd = itWhere(await testTarget(), kubernetesAtLeast(25, "CEL rules (x-kubernetes-validations) in CRDs, which Gateway API's HTTPRoute CRD uses"));

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
}

const routing = (namespace: string): string => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: ${namespace}}
spec:
  parentRefs: [{name: gateway}]
  rules:
  - backendRefs:
    - {name: shop-stable, port: 80, weight: 90}
    - {name: shop-canary, port: 80, weight: 10}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: shop, namespace: ${namespace}}
spec:
  hosts: [shop]
  http:
  - name: primary
    route:
    - {destination: {host: shop-stable}, weight: 90}
    - {destination: {host: shop-canary}, weight: 10}
`;

const deployment = (namespace: string, image: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: ${image}}]}
`;

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('kubectl');
  scratch = await mkdtemp(join(tmpdir(), 'vane-kubectl-'));
});

afterAll(async () => {
  await cluster?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('applying CRDs', () => {
  itWithHttpRouteCrd("given Vane's CRDs and the fixture CRDs, when applied with kubectl, then all are created and served", async () => {
    const files = [...yamlFiles(VANE_CRDS), ...yamlFiles(FIXTURE_CRD_DIR)];
    expect(files.length).toBeGreaterThanOrEqual(3);
    const args = files.flatMap((f) => ['-f', f]);
    const applied = await cluster.kubectl(['apply', ...args]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const crds = await cluster.kubectl(['get', 'crd', '-o', 'name']);
    expect(crds.stdout).toContain('httproutes.gateway.networking.k8s.io');
    expect(crds.stdout).toContain('virtualservices.networking.istio.io');
    expect(crds.stdout).toContain('trafficsplits.split.smi-spec.io');
    if (yamlFiles(VANE_CRDS).length > 0) expect(crds.stdout).toContain('rollouts.vane.dev');
  });

  itWithHttpRouteCrd('given the CRDs and no namespace made beforehand, when every file in examples/ is applied with kubectl, then every object is created', async () => {
    const applied = await cluster.kubectl(['apply', '-f', EXAMPLES]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    for (const object of ['rollout.vane.dev/shop', 'rollout.vane.dev/checkout', 'rollout.vane.dev/web', 'analysistemplate.vane.dev/error-rate', 'httproute.gateway.networking.k8s.io/shop']) {
      expect(applied.stdout).toContain(`${object} created`);
    }
  });

  itWithHttpRouteCrd('given the routing CRDs, when an HTTPRoute and a VirtualService are applied, then kubectl gets them back', async () => {
    const applied = await cluster.kubectl(['apply', '-f', '-'], routing(ns));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('httproute.gateway.networking.k8s.io/shop created');
    expect(applied.stdout).toContain('virtualservice.networking.istio.io/shop created');
    const weights = await cluster.kubectl(['get', 'httproute', 'shop', '-n', ns, '-o', 'jsonpath={.spec.rules[0].backendRefs[*].weight}']);
    expect(weights.stdout).toBe('90 10');
    // Fully qualified: App Mesh (among the fixture CRDs) serves a `virtualservices` resource too.
    const table = await cluster.kubectl(['get', 'virtualservices.networking.istio.io', '-n', ns]);
    expect(table.stdout).toMatch(/NAME\s+GATEWAYS\s+HOSTS\s+AGE/);
    expect(table.stdout).toContain('shop');
  });

  itWithHttpRouteCrd('given an invalid custom resource, when applied, then kubectl fails and prints the field', async () => {
    const bad = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: broken, namespace: ${ns}}
spec:
  rules:
  - backendRefs: [{name: svc, port: 99999}]
`;
    const applied = await cluster.kubectl(['apply', '-f', '-'], bad);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('is invalid');
    expect(applied.stderr).toContain('spec.rules[0].backendRefs[0].port');
  });
});

describe('everyday kubectl', () => {
  it('given a Deployment, when applied twice, then the second apply is unchanged; a new image is configured', async () => {
    expect((await cluster.kubectl(['apply', '-f', '-'], deployment(ns, 'nginx:1.25'))).stdout).toContain('deployment.apps/web created');
    expect((await cluster.kubectl(['apply', '-f', '-'], deployment(ns, 'nginx:1.25'))).stdout).toContain('deployment.apps/web unchanged');
    expect((await cluster.kubectl(['apply', '-f', '-'], deployment(ns, 'nginx:1.26'))).stdout).toContain('deployment.apps/web configured');
    const image = await cluster.kubectl(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}']);
    expect(image.stdout).toBe('nginx:1.26 2');
  });

  it('given --dry-run=server, when patching and deleting, then nothing changes', async () => {
    await cluster.kubectl(['create', 'configmap', 'dry', '-n', ns, '--from-literal=a=1']);
    const patched = await cluster.kubectl(['patch', 'configmap', 'dry', '-n', ns, '--dry-run=server', '-p', '{"data":{"a":"2"}}']);
    expect(patched.code).toBe(0);
    const deleted = await cluster.kubectl(['delete', 'configmap', 'dry', '-n', ns, '--dry-run=server']);
    expect(deleted.stdout).toContain('(server dry run)');
    const value = await cluster.kubectl(['get', 'configmap', 'dry', '-n', ns, '-o', 'jsonpath={.data.a}']);
    expect(value.stdout).toBe('1');
  });

  it('given kubectl edit with an editor script, then the change is saved', async () => {
    await cluster.kubectl(['create', 'configmap', 'edited', '-n', ns, '--from-literal=a=1']);
    const editor = join(scratch, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i \'s/a: "1"/a: "2"/\' "$1"\n');
    await chmod(editor, 0o755);
    const env = { ...process.env, KUBE_EDITOR: editor };
    const real = await runWithEnv(['edit', 'configmap', 'edited', '-n', ns], env);
    expect(real.stdout).toContain('edited');
    expect((await cluster.kubectl(['get', 'configmap', 'edited', '-n', ns, '-o', 'jsonpath={.data.a}'])).stdout).toBe('2');
  });

  it('given kubectl delete, then it waits until the object is gone', async () => {
    await cluster.kubectl(['create', 'configmap', 'bye', '-n', ns]);
    const deleted = await cluster.kubectl(['delete', 'configmap', 'bye', '-n', ns, '--wait=true']);
    expect(deleted.stdout).toContain('configmap "bye" deleted');
    const read = await cluster.kubectl(['get', 'configmap', 'bye', '-n', ns]);
    expect(read.code).not.toBe(0);
    expect(read.stderr).toContain('NotFound');
  });

  it('given kubectl api-resources, then built-in resources are listed', async () => {
    const out = await cluster.kubectl(['api-resources']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(out.stdout).toMatch(/leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease/);
  });

  itWithHttpRouteCrd('given the applied CRDs, when kubectl api-resources runs, then their resources are listed', async () => {
    const out = await cluster.kubectl(['api-resources']);
    expect(out.stdout).toContain('httproutes');
  });
});

async function runWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', cluster.kubeconfigPath, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, stdout, stderr });
    });
  });
}
