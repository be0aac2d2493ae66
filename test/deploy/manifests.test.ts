// Specification of deploy/kustomize: the base, the overlays and every component render, each object is valid for the
// Kubernetes API (created in the sandbox where it serves the kind, else checked against the upstream schema), and
// the pieces fit together the way the controller expects.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerConfig } from '../../src/cli/controller-config.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { schemaErrors } from './support/kubernetes-model-schema.js';
import { describeObject, KUSTOMIZE_DIR, objectsOfKind, onlyObject, renderKustomization, type ManifestObject } from './support/kustomize-render.js';
import { allowed, grantsFor } from './support/rbac-rules.js';
import { createServed } from './support/sandbox-apply.js';

const SERVICE_MONITOR_CRD = join(import.meta.dirname, 'fixtures', 'servicemonitor-crd.yaml');

const RENDERS: Record<string, string> = {
  base: join(KUSTOMIZE_DIR, 'base'),
  'overlays/namespaced': join(KUSTOMIZE_DIR, 'overlays', 'namespaced'),
  'overlays/prometheus-operator': join(KUSTOMIZE_DIR, 'overlays', 'prometheus-operator'),
  'every component': join(import.meta.dirname, 'fixtures', 'all-components'),
};

interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
}

interface PodSpec {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: Array<{ name: string; emptyDir?: object; secret?: { secretName: string } }>;
}

function spec<T>(o: ManifestObject): T {
  return o['spec'] as T;
}

function controllerOf(objects: readonly ManifestObject[]): { deployment: ManifestObject; pod: PodSpec; container: Container } {
  const deployment = onlyObject(objects, 'Deployment', 'vane-controller');
  const pod = spec<{ template: { spec: PodSpec } }>(deployment).template.spec;
  const container = pod.containers.find((c) => c.name === 'controller');
  if (!container) throw new Error('the Deployment has no container named controller');
  return { deployment, pod, container };
}

/** The controller's configuration as the Deployment's literal env and args make it (fieldRefs given fake values). */
function configOf(container: Container): ReturnType<typeof controllerConfig> {
  const env: NodeJS.ProcessEnv = {};
  for (const e of container.env ?? []) env[e.name] = e.value ?? `<${e.valueFrom?.fieldRef?.fieldPath ?? 'ref'}>`;
  return controllerConfig({}, env);
}

function selects(selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string> | undefined): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

function podLabels(deployment: ManifestObject): Record<string, string> | undefined {
  return spec<{ template: { metadata: { labels?: Record<string, string> } } }>(deployment).template.metadata.labels;
}

for (const [label, dir] of Object.entries(RENDERS)) {
  describe(`deploy/kustomize: ${label}`, () => {
    let objects: ManifestObject[];
    let sandbox: Sandbox;

    beforeAll(async () => {
      objects = await renderKustomization(dir);
      sandbox = await startSandbox({ logLevel: 'silent', simulator: { enabled: false } });
    });

    afterAll(async () => {
      await sandbox?.stop();
    });

    it('given the rendering, then every built-in object matches the upstream Kubernetes schema', () => {
      const problems = objects.flatMap((o) => (schemaErrors(o) ?? []).map((e) => `${describeObject(o)}: ${e}`));
      expect(problems).toEqual([]);
    });

    it('given a sandbox, when every object is created with kubectl, then the API accepts all it serves, and the rest are schema-checked built-ins', async () => {
      if (objectsOfKind(objects, 'ServiceMonitor').length > 0) await sandbox.loadCrdFile(SERVICE_MONITOR_CRD);
      const { created, unserved } = await createServed(sandbox, objects);
      expect(created.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'CustomResourceDefinition', 'Deployment', 'Service']));
      const unchecked = unserved.filter((o) => schemaErrors(o) === undefined).map(describeObject);
      expect(unchecked).toEqual([]);
    });

    it('given the namespaced objects, then all live in one namespace, which the rendering creates', () => {
      const namespaces = new Set(objects.map((o) => o.metadata.namespace).filter((ns) => ns !== undefined));
      expect([...namespaces]).toEqual(['vane-system']);
      expect(objectsOfKind(objects, 'Namespace').map((o) => o.metadata.name)).toEqual(['vane-system']);
    });

    it('given the Deployment, then leader-elected replicas (two, four when sharded) run hardened, with probes on the API port (on every interface) and writable emptyDirs only', () => {
      const { deployment, pod, container } = controllerOf(objects);
      expect(container.args?.[0]).toBe('controller');
      expect(container.args).toContain('--leader-elect');
      const config = configOf(container);
      expect(spec<{ replicas: number }>(deployment).replicas).toBe(config.shards === undefined ? 2 : 4);
      expect(config.leaderElection).toBe(true);
      expect(config.leaseNamespace).toBe('<metadata.namespace>');
      expect(config.identity).toBe('<metadata.name>');
      const port = container.ports?.find((p) => p.name === 'http');
      expect(port?.containerPort).toBe(config.apiPort);
      // The controller listens on loopback unless told otherwise; probes and the Service come to the pod's IP.
      expect(config.apiBindAddress).toBe('0.0.0.0');
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources?.requests?.['memory']).toBeDefined();
      expect(container.resources?.limits?.['memory']).toBeDefined();
      const mountOf = (path: string | undefined): string | undefined => container.volumeMounts?.find((m) => m.mountPath === path)?.name;
      const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name));
      expect(emptyDirs.has(mountOf(config.gitWorkDir) ?? '')).toBe(true);
      expect(emptyDirs.has(mountOf('/tmp') ?? '')).toBe(true);
      expect(container.env?.find((e) => e.name === 'HOME')?.value).toBe('/tmp');
    });

    it('given the Service, PodDisruptionBudget and NetworkPolicy, then each selects the controller pods, on the API port, and a drain takes one pod at a time', () => {
      const { deployment } = controllerOf(objects);
      const labels = podLabels(deployment);
      const service = spec<{ selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> }>(onlyObject(objects, 'Service'));
      expect(selects({ matchLabels: service.selector }, labels)).toBe(true);
      expect(service.ports.map((p) => p.targetPort)).toEqual(['http']);
      const pdb = spec<{ minAvailable?: number; maxUnavailable?: number; selector: { matchLabels: Record<string, string> } }>(onlyObject(objects, 'PodDisruptionBudget'));
      // One pod at a time: the other stays to lead (two replicas), or only the leaver's shards move (sharded).
      const replicas = spec<{ replicas: number }>(deployment).replicas;
      expect(pdb.maxUnavailable ?? replicas - (pdb.minAvailable ?? replicas)).toBe(1);
      expect(selects(pdb.selector, labels)).toBe(true);
      const policy = spec<{ podSelector: { matchLabels: Record<string, string> }; ingress: Array<{ ports: Array<{ port: number }> }> }>(onlyObject(objects, 'NetworkPolicy'));
      expect(selects(policy.podSelector, labels)).toBe(true);
      expect(policy.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([configOf(controllerOf(objects).container).apiPort]);
    });

    it('given the RBAC bindings, then each binds an existing role to the controller ServiceAccount in its namespace', () => {
      const { pod } = controllerOf(objects);
      const account = onlyObject(objects, 'ServiceAccount');
      expect(pod.serviceAccountName).toBe(account.metadata.name);
      for (const binding of [...objectsOfKind(objects, 'RoleBinding'), ...objectsOfKind(objects, 'ClusterRoleBinding')]) {
        const roleRef = binding['roleRef'] as { kind: string; name: string };
        expect(objects.some((o) => o.kind === roleRef.kind && o.metadata.name === roleRef.name), `${describeObject(binding)} → ${roleRef.kind} ${roleRef.name}`).toBe(true);
        expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
      }
    });

    it('given the leader-election Role, then it names the Lease the controller campaigns for', () => {
      const { container } = controllerOf(objects);
      const role = onlyObject(objects, 'Role', 'vane-leader-election');
      const rules = role['rules'] as Array<{ resourceNames?: string[] }>;
      expect(rules.flatMap((r) => r.resourceNames ?? [])).toEqual([configOf(container).leaseName]);
    });
  });
}

describe('deploy/kustomize: overlays/namespaced', () => {
  it('given the overlay, then the controller watches only its own namespace, with no ClusterRole reaching into namespaces', async () => {
    const objects = await renderKustomization(RENDERS['overlays/namespaced']!);
    const { container } = controllerOf(objects);
    expect(container.args).toContain('--namespace=$(POD_NAMESPACE)');
    expect(container.env?.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    const clusterResources = objectsOfKind(objects, 'ClusterRole').flatMap((role) => (role['rules'] as Array<{ resources: string[] }>).flatMap((r) => r.resources));
    expect(clusterResources.sort()).toEqual(['clusteranalysistemplates', 'clusternotifiers', 'clusternotifiers/status', 'subjectaccessreviews', 'tokenreviews']);
  });
});

describe('deploy/kustomize: overlays/prometheus-operator', () => {
  it('given the ServiceMonitor, then it selects the controller Service and scrapes /metrics on a port the Service has', async () => {
    const objects = await renderKustomization(RENDERS['overlays/prometheus-operator']!);
    const service = onlyObject(objects, 'Service');
    const monitor = spec<{ selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; path: string }> }>(onlyObject(objects, 'ServiceMonitor'));
    expect(selects(monitor.selector, service.metadata.labels)).toBe(true);
    const portNames = spec<{ ports: Array<{ name: string }> }>(service).ports.map((p) => p.name);
    expect(monitor.endpoints.map((e) => [portNames.includes(e.port), e.path])).toEqual([[true, '/metrics']]);
  });
});

describe('deploy/kustomize: components', () => {
  it('given the api-static-token component, then the token file the controller reads is the mounted Secret key', async () => {
    const objects = await renderKustomization(RENDERS['every component']!);
    const { pod, container } = controllerOf(objects);
    const file = configOf(container).apiTokenFile ?? '';
    const mount = container.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes?.find((v) => v.name === mount?.name);
    const secret = onlyObject(objects, 'Secret', volume?.secret?.secretName);
    expect(Object.keys(secret['stringData'] as object)).toEqual([file.slice((mount?.mountPath.length ?? 0) + 1)]);
  });

  it('given the log-level and resources components, then the controller config reads the new values', async () => {
    const objects = await renderKustomization(RENDERS['every component']!);
    const { container } = controllerOf(objects);
    expect(configOf(container)).toMatchObject({ logLevel: 'debug', workers: 16 });
    expect(container.resources?.limits?.['memory']).toBe('2Gi');
  });

  it('given the sharded component, then four replicas split VANE_SHARDS=16, with Lease list/get/update in their namespace bound to the controller ServiceAccount', async () => {
    const objects = await renderKustomization(RENDERS['every component']!);
    const { deployment, pod, container } = controllerOf(objects);
    expect(configOf(container)).toMatchObject({ shards: 16, leaderElection: true });
    expect(spec<{ replicas: number }>(deployment).replicas).toBe(4);
    const account = onlyObject(objects, 'ServiceAccount');
    expect(pod.serviceAccountName).toBe(account.metadata.name);
    const grants = grantsFor(objects, { namespace: account.metadata.namespace!, name: account.metadata.name });
    const leaseNamespace = account.metadata.namespace;
    // Names made of pod names: any member or shard Lease of the group, listed, read and renewed.
    for (const request of [
      { verb: 'list', group: 'coordination.k8s.io', resource: 'leases', namespace: leaseNamespace },
      { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: leaseNamespace, name: 'vane-controller-member-vane-controller-7d9f-x2x4k' },
      { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: leaseNamespace, name: 'vane-controller-shard-15' },
      { verb: 'get', group: 'vane.dev', resource: 'experiments', namespace: 'shop', name: 'web-1' },
    ]) {
      expect(allowed(grants, request), JSON.stringify(request)).toBe(true);
    }
    const role = onlyObject(objects, 'Role', 'vane-shard-leases');
    expect(role.metadata.namespace).toBe(leaseNamespace);
    expect(role['rules']).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['list', 'get', 'update'] }]);
    expect(allowed(grants, { verb: 'list', group: 'coordination.k8s.io', resource: 'leases', namespace: 'shop' })).toBe(false);
  });
});
