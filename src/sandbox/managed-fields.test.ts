// Specification of managedFields tracking, the part of kube-apiserver v1.19's field manager the sandbox copies.
// Expected trees for custom resources were read off a kube-apiserver v1.19 (see test/sandbox/managed-fields-contract.test.ts).
import { describe, expect, it } from 'vitest';
import { FieldSet } from './field-set.js';
import type { KubeObject } from './kube-object.js';
import { managerOf, trackManagedFields, type ManagedFieldsEntry } from './managed-fields.js';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const LATER = new Date('2026-01-02T03:05:00.000Z');
const ROLLOUT = { kind: 'Rollout', builtin: false };

function rollout(): KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'r', namespace: 'ns', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'r' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'r' } },
      template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'app', image: 'bench:1' }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
    },
  };
}

function withFields(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, managedFields: entries } };
}

describe('managerOf', () => {
  it('names the writer by fieldManager first, else by its User-Agent up to the first slash, else unknown', () => {
    expect(managerOf('deployer', 'kubectl/v1.19.0 (linux/amd64)')).toBe('deployer');
    expect(managerOf(null, 'kube-controller-manager/v1.19.0 (linux/amd64) kubernetes/abc')).toBe('kube-controller-manager');
    expect(managerOf('', 'vane')).toBe('vane');
    expect(managerOf(null, undefined)).toBe('unknown');
  });
});

describe('trackManagedFields', () => {
  it('given a custom resource created, then every map it brings in is a member, lists are atomic and identity fields are untracked', () => {
    const entries = trackManagedFields(ROLLOUT, undefined, rollout(), { manager: 'vane-bench', apiVersion: 'vane.dev/v1alpha1', now: NOW });
    expect(entries).toEqual([
      {
        manager: 'vane-bench',
        operation: 'Update',
        apiVersion: 'vane.dev/v1alpha1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        // As kube-apiserver v1.19 stored it for the same Rollout.
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            '.': {},
            'f:replicas': {},
            'f:selector': { '.': {}, 'f:matchLabels': { '.': {}, 'f:app': {} } },
            'f:strategy': { '.': {}, 'f:canary': { '.': {}, 'f:steps': {} } },
            'f:template': { '.': {}, 'f:metadata': { '.': {}, 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:containers': {} } },
          },
        },
      },
    ]);
  });

  it('given a status write by a second manager, then it owns the status fields and the first entry keeps its time', () => {
    const created = withFields(rollout(), trackManagedFields(ROLLOUT, undefined, rollout(), { manager: 'kubectl', apiVersion: 'vane.dev/v1alpha1', now: NOW }));
    const next = { ...created, status: { phase: 'Healthy', conditions: [{ type: 'Available', status: 'True' }] } };
    const entries = trackManagedFields(ROLLOUT, created, next, { manager: 'vane', apiVersion: 'vane.dev/v1alpha1', now: LATER }) ?? [];
    expect(entries.map((e) => [e.manager, e.time])).toEqual([
      ['kubectl', '2026-01-02T03:04:05Z'],
      ['vane', '2026-01-02T03:05:00Z'],
    ]);
    expect(entries[1]?.fieldsV1).toEqual({ 'f:status': { '.': {}, 'f:conditions': {}, 'f:phase': {} } });
  });

  it('given a second manager changing and removing fields, then changed fields move to it and removed ones leave everyone', () => {
    const created = withFields(rollout(), trackManagedFields(ROLLOUT, undefined, rollout(), { manager: 'kubectl', apiVersion: 'vane.dev/v1alpha1', now: NOW }));
    const spec = created['spec'] as Record<string, unknown>;
    const { selector: _dropped, ...rest } = spec;
    const next = { ...created, spec: { ...rest, replicas: 3 } };
    const entries = trackManagedFields(ROLLOUT, created, next, { manager: 'scaler', apiVersion: 'vane.dev/v1alpha1', now: LATER }) ?? [];
    const kubectl = entries.find((e) => e.manager === 'kubectl')?.fieldsV1['f:spec'] ?? {};
    expect(kubectl['f:replicas']).toBeUndefined();
    expect(kubectl['f:selector']).toBeUndefined();
    expect(kubectl['f:template']).toBeDefined();
    expect(entries.find((e) => e.manager === 'scaler')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('given a built-in object, then list items are keyed by their merge keys and finalizers are a set of values', () => {
    const rs: KubeObject = {
      metadata: { name: 'rs', finalizers: ['a/b'], ownerReferences: [{ apiVersion: 'v1', kind: 'Rollout', name: 'r', uid: 'u-1' }] },
      spec: { selector: { matchLabels: { app: 'r' } }, template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } },
    };
    const entries = trackManagedFields({ kind: 'ReplicaSet', builtin: true }, undefined, rs, { manager: 'vane', apiVersion: 'apps/v1', now: NOW }) ?? [];
    expect(entries[0]?.fieldsV1).toEqual({
      'f:metadata': {
        'f:finalizers': { '.': {}, 'v:"a/b"': {} },
        'f:ownerReferences': { '.': {}, 'k:{"uid":"u-1"}': { '.': {}, 'f:apiVersion': {}, 'f:kind': {}, 'f:name': {}, 'f:uid': {} } },
      },
      'f:spec': {
        'f:selector': { 'f:matchLabels': { '.': {}, 'f:app': {} } },
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } },
            },
          },
        },
      },
    });
  });

  it('given a write that changes no field, then the stored entries come back unchanged, with a client-sent time read as whole seconds', () => {
    const created = withFields(rollout(), trackManagedFields(ROLLOUT, undefined, rollout(), { manager: 'kubectl', apiVersion: 'vane.dev/v1alpha1', now: NOW }));
    const stored = created.metadata['managedFields'] as ManagedFieldsEntry[];
    const resent = withFields(created, stored.map((e) => ({ ...e, time: '2026-01-02T03:04:05.000Z' })));
    expect(trackManagedFields(ROLLOUT, created, resent, { manager: 'other', apiVersion: 'vane.dev/v1alpha1', now: LATER })).toEqual(stored);
  });

  it('given an empty managedFields list in the write, then none are kept and the write is not tracked', () => {
    const created = withFields(rollout(), trackManagedFields(ROLLOUT, undefined, rollout(), { manager: 'kubectl', apiVersion: 'vane.dev/v1alpha1', now: NOW }));
    const next = withFields({ ...created, spec: { ...(created['spec'] as object), replicas: 9 } }, []);
    expect(trackManagedFields(ROLLOUT, created, next, { manager: 'other', apiVersion: 'vane.dev/v1alpha1', now: LATER })).toBeUndefined();
  });

  it('given an apply, then the Apply entry holds exactly the applied fields and takes them from others', () => {
    const created = withFields(rollout(), trackManagedFields(ROLLOUT, undefined, rollout(), { manager: 'kubectl', apiVersion: 'vane.dev/v1alpha1', now: NOW }));
    const applied = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { replicas: 4 } };
    const next = { ...created, spec: { ...(created['spec'] as object), replicas: 4 } };
    const entries = trackManagedFields(ROLLOUT, created, next, { manager: 'ssa', apiVersion: 'vane.dev/v1alpha1', now: LATER, applied }) ?? [];
    expect(entries.map((e) => [e.manager, e.operation])).toEqual([
      ['ssa', 'Apply'],
      ['kubectl', 'Update'],
    ]);
    expect(entries[0]?.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:replicas': {} } });
    expect(entries[1]?.fieldsV1['f:spec']?.['f:replicas']).toBeUndefined();
  });
});

describe('FieldSet', () => {
  it('reads and writes the FieldsV1 form unchanged, `.` markers included', () => {
    const fields = { 'f:a': { '.': {}, 'f:b': {}, 'k:{"name":"x"}': { '.': {}, 'f:name': {} } }, 'f:c': {} };
    expect(FieldSet.fromFieldsV1(fields).toFieldsV1()).toEqual(fields);
  });
});
