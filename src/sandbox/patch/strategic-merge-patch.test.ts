// Strategic merge patch on built-in kinds, with the patches kubectl really sends.
import { describe, expect, it } from 'vitest';
import { PatchError } from './patch-error.js';
import { applyStrategicMergePatch, supportsStrategicMerge } from './strategic-merge-patch.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function deployment(): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a.example.com/keep'] },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'web:1',
              args: ['--port', '8080'],
              env: [
                { name: 'LOG', value: 'info' },
                { name: 'MODE', value: 'prod' },
              ],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/web' }],
            },
            { name: 'proxy', image: 'proxy:1' },
          ],
          volumes: [{ name: 'cfg', configMap: { name: 'web' } }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  };
}

function containers(obj: unknown): Json[] {
  return (obj as Json).spec.template.spec.containers as Json[];
}

function patchFailure(target: unknown, patch: unknown, kind = 'Deployment'): PatchError {
  try {
    applyStrategicMergePatch(target, patch, kind);
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected the patch to fail');
}

describe('given what `kubectl set image` sends', () => {
  it('when one container image changes, then that container merges by name and the others stay', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } }, 'Deployment');
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([
      ['app', 'web:2'],
      ['proxy', 'proxy:1'],
    ]);
    expect(containers(out)[0]?.env).toHaveLength(2);
  });
});

describe('given what `kubectl apply` sends', () => {
  it('when env is reordered with $setElementOrder and one var changes, then the order follows the directive', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'proxy' }],
            containers: [
              {
                name: 'app',
                '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG' }],
                env: [{ name: 'LOG', value: 'debug' }],
              },
            ],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(deployment(), patch, 'Deployment');
    expect(containers(out)[0]?.env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'LOG', value: 'debug' },
    ]);
    expect(containers(out)[0]).not.toHaveProperty('$setElementOrder/env');
    expect((out as Json).metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': '{}' });
  });

  it('when a container is removed with $patch: delete and the rest reordered, then the result has that order', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'proxy' }],
            containers: [{ $patch: 'delete', name: 'app' }],
          },
        },
      },
    };
    expect(containers(applyStrategicMergePatch(deployment(), patch, 'Deployment')).map((c) => c.name)).toEqual(['proxy']);
  });

  it('when a new container is listed between existing ones in $setElementOrder, then it lands there', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'log' }, { name: 'proxy' }],
            containers: [{ name: 'log', image: 'log:1' }],
          },
        },
      },
    };
    expect(containers(applyStrategicMergePatch(deployment(), patch, 'Deployment')).map((c) => c.name)).toEqual(['app', 'log', 'proxy']);
  });

  it('when the strategy switches to Recreate with $retainKeys, then rollingUpdate is dropped', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } };
    expect((applyStrategicMergePatch(deployment(), patch, 'Deployment') as Json).spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('given merge lists without order directives', () => {
  it('when a new container arrives, then the apiserver puts it before the existing ones', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'log', image: 'log:1' }] } } } }, 'Deployment');
    expect(containers(out).map((c) => c.name)).toEqual(['log', 'app', 'proxy']);
  });

  it('when ports, volume mounts and volumes are patched, then each merges by its own key', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                ports: [{ containerPort: 8080, name: 'http' }],
                volumeMounts: [{ name: 'cfg', mountPath: '/etc/web', readOnly: true }],
              },
            ],
            volumes: [{ name: 'cache', emptyDir: {} }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Json;
    const app = containers(out)[0];
    expect(app?.ports).toEqual([{ containerPort: 8080, protocol: 'TCP', name: 'http' }]);
    expect(app?.volumeMounts).toEqual([{ name: 'cfg', mountPath: '/etc/web', readOnly: true }]);
    expect(out.spec.template.spec.volumes.map((v: Json) => v.name)).toEqual(['cache', 'cfg']);
  });

  it('when args and tolerations are patched, then they are replaced whole (atomic lists)', () => {
    const patch = { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'app', args: ['--v=2'] }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Json;
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(containers(out)[0]?.args).toEqual(['--v=2']);
  });

  it('when finalizers are patched, then they merge as a set; $deleteFromPrimitiveList removes one', () => {
    const added = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ['b.example.com/x', 'a.example.com/keep'] } }, 'Deployment') as Json;
    expect(added.metadata.finalizers).toEqual(['b.example.com/x', 'a.example.com/keep']);
    const removed = applyStrategicMergePatch(added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/keep'] } }, 'Deployment') as Json;
    expect(removed.metadata.finalizers).toEqual(['b.example.com/x']);
  });

  it('when an env entry is deleted with $patch: delete, then only that entry goes', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'LOG', $patch: 'delete' }] }] } } } };
    expect(containers(applyStrategicMergePatch(deployment(), patch, 'Deployment'))[0]?.env).toEqual([{ name: 'MODE', value: 'prod' }]);
  });

  it('when a list carries $patch: replace, then the other patch items become the list', () => {
    const patch = { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x:1' }] } } } };
    expect(containers(applyStrategicMergePatch(deployment(), patch, 'Deployment'))).toEqual([{ name: 'only', image: 'x:1' }]);
  });
});

describe('given map directives and nulls', () => {
  it('when a map carries $patch: replace, then it replaces the original map', () => {
    const out = applyStrategicMergePatch(deployment(), { metadata: { labels: { $patch: 'replace', team: 'shop' } } }, 'Deployment') as Json;
    expect(out.metadata.labels).toEqual({ team: 'shop' });
  });

  it('when a map carries $patch: delete, then it becomes empty', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { strategy: { $patch: 'delete' } } }, 'Deployment') as Json;
    expect(out.spec.strategy).toEqual({});
  });

  it('when a field is null, then it is removed; a null for a missing field is ignored', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { replicas: null, paused: null } }, 'Deployment') as Json;
    expect(out.spec).not.toHaveProperty('replicas');
    expect(out.spec).not.toHaveProperty('paused');
  });

  it('when a new subtree carries nulls, then they are dropped rather than stored', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { metadata: { annotations: { a: 'b', c: null } } } } }, 'Deployment') as Json;
    expect(out.spec.template.metadata.annotations).toEqual({ a: 'b' });
  });

  it('when an unknown $ directive appears, then it is dropped as typed decoding would drop it', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { $unknown: 1, replicas: 4 } }, 'Deployment') as Json;
    expect(out.spec).not.toHaveProperty('$unknown');
    expect(out.spec.replicas).toBe(4);
  });

  it('when $setElementOrder names a list the object lacks, then delete items do not become elements', () => {
    const pod = { spec: {} };
    const patch = { spec: { '$setElementOrder/volumes': [{ name: 'a' }], volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', $patch: 'delete' }] } };
    expect((applyStrategicMergePatch(pod, patch, 'Pod') as Json).spec.volumes).toEqual([{ name: 'a', emptyDir: {} }]);
  });

  it('when a patch is applied, then neither input is mutated', () => {
    const target = deployment();
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } };
    const before = [JSON.stringify(target), JSON.stringify(patch)];
    applyStrategicMergePatch(target, patch, 'Deployment');
    expect([JSON.stringify(target), JSON.stringify(patch)]).toEqual(before);
  });
});

describe('given other built-in kinds', () => {
  it('when a Service port is patched, then ports merge by port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }], selector: { app: 'web' } } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }], selector: { track: 'stable' } } }, 'Service') as Json;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443, targetPort: 8443 }]);
    expect(out.spec.selector).toEqual({ app: 'web', track: 'stable' });
  });

  it('when Pod conditions are patched in status, then they merge by type', () => {
    const pod = { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] } };
    const out = applyStrategicMergePatch(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'Pod') as Json;
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }]);
  });

  it('when ownerReferences are patched on a ReplicaSet, then they merge by uid', () => {
    const rs = { metadata: { ownerReferences: [{ uid: 'u1', name: 'a', controller: true }] } };
    const out = applyStrategicMergePatch(rs, { metadata: { ownerReferences: [{ uid: 'u1', controller: false }] } }, 'ReplicaSet') as Json;
    expect(out.metadata.ownerReferences).toEqual([{ uid: 'u1', name: 'a', controller: false }]);
  });

  it('when ConfigMap data is patched, then keys merge', () => {
    const out = applyStrategicMergePatch({ data: { a: '1', b: '2' } }, { data: { b: null, c: '3' } }, 'ConfigMap');
    expect(out).toEqual({ data: { a: '1', c: '3' } });
  });

  it('when the kind has no patch metadata, then it is not supported (415)', () => {
    expect(supportsStrategicMerge('Deployment')).toBe(true);
    expect(supportsStrategicMerge('Rollout')).toBe(false);
    expect(patchFailure({}, {}, 'Rollout')).toMatchObject({ status: 415, reason: 'UnsupportedMediaType' });
  });
});

describe('given malformed patches', () => {
  it('when a merge list item lacks its merge key, then the apiserver error names the map (500)', () => {
    const err = patchFailure(deployment(), { spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } });
    expect(err).toMatchObject({ status: 500, reason: '', detail: 'map: map[image:nginx] does not contain declared merge key: name' });
  });

  it('when $retainKeys omits a patched key, then it is 400', () => {
    const err = patchFailure(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } });
    expect(err).toMatchObject({ status: 400, detail: 'invalid patch format of retainKeys' });
  });

  it('when a list merge asks for $patch: merge, then that is refused', () => {
    const err = patchFailure(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } });
    expect(err.detail).toBe('merging lists cannot yet be specified in the patch');
  });

  it('when a merge list holds lists, then it is 422', () => {
    expect(patchFailure({ metadata: { finalizers: [] } }, { metadata: { finalizers: [['x']] } })).toMatchObject({
      status: 422,
      detail: 'lists of lists are not supported',
    });
    expect(patchFailure(deployment(), { metadata: { finalizers: [['x']] } }).detail).toMatch(/^list element types are not identical/);
  });

  it('when the patch is not an object, then it is 400', () => {
    expect(patchFailure(deployment(), [1])).toMatchObject({
      status: 400,
      detail: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
  });

  it('when a $setElementOrder key has no field name, then it is 400', () => {
    expect(patchFailure(deployment(), { spec: { $setElementOrder: [] } }).detail).toBe('invalid patch format of setElementOrder list');
  });

  it('when the patch list does not follow $setElementOrder, then the apiserver refuses it', () => {
    const patch = {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'proxy', image: 'p:2' }] } } },
    };
    expect(patchFailure(deployment(), patch).detail).toMatch(/^The order in patch list:\n/);
  });
});
