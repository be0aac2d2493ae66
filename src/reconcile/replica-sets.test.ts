// buildReplicaSet / buildExperimentReplicaSet: the pod template and selector a Rollout or Experiment template gives are
// carried whole into the ReplicaSet Vane creates, with the pod-template-hash label added (Argo docs architecture.md).
// @covers spec.template/**
// @covers spec.selector/**
// @covers spec.minReadySeconds
// @covers spec.templates[].template/**
// @covers spec.templates[].selector/**
import { describe, expect, it } from 'vitest';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { Experiment } from '../resources/experiment.js';
import type { LabelSelector, PodTemplateSpec } from '../resources/meta.js';
import type { Rollout } from '../resources/rollout.js';
import { buildExperimentReplicaSet } from './experiment-replica-sets.js';
import { buildReplicaSet, ensureReplicaSet } from './replica-sets.js';

const TEMPLATE: PodTemplateSpec = {
  metadata: { labels: { app: 'shop', track: 'main' }, annotations: { 'prometheus.io/scrape': 'true' } },
  spec: { containers: [{ name: 'app', image: 'shop:2' }] },
};
const SELECTOR: LabelSelector = { matchLabels: { app: 'shop' }, matchExpressions: [{ key: 'track', operator: 'In', values: ['main'] }] };

describe('buildReplicaSet', () => {
  it('given a Rollout template, selector and minReadySeconds, then the ReplicaSet carries them with the hash in labels and selector', () => {
    const rollout: Rollout = {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'shop', namespace: 'shop', uid: 'u-1' },
      spec: { selector: SELECTOR, template: TEMPLATE, minReadySeconds: 15, strategy: { canary: {} } },
    };
    const rs = buildReplicaSet(rollout, TEMPLATE, 'abc123', 3);
    expect(rs.spec?.minReadySeconds).toBe(15);
    expect(rs.spec?.selector).toEqual({ matchLabels: { app: 'shop', 'rollouts-pod-template-hash': 'abc123' }, matchExpressions: SELECTOR.matchExpressions });
    expect(rs.spec?.template).toEqual({
      metadata: { labels: { app: 'shop', track: 'main', 'rollouts-pod-template-hash': 'abc123' }, annotations: { 'prometheus.io/scrape': 'true' } },
      spec: { containers: [{ name: 'app', image: 'shop:2' }] },
    });
  });
});

describe('buildExperimentReplicaSet', () => {
  it('given an Experiment template, then its ReplicaSet carries the pod template and selector with the template hash added', () => {
    const experiment: Experiment = {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Experiment',
      metadata: { name: 'trial', namespace: 'shop', uid: 'u-2' },
      spec: { templates: [{ name: 'canary', selector: SELECTOR, template: TEMPLATE }] },
    };
    const rs = buildExperimentReplicaSet(experiment, experiment.spec.templates[0]!, 1);
    const hash = rs.metadata.labels?.['rollouts-pod-template-hash'] ?? '';
    expect(hash).not.toBe('');
    expect(rs.spec?.selector).toEqual({ matchLabels: { app: 'shop', 'rollouts-pod-template-hash': hash }, matchExpressions: SELECTOR.matchExpressions });
    expect(rs.spec?.template).toEqual({ ...TEMPLATE, metadata: { ...TEMPLATE.metadata, labels: { app: 'shop', track: 'main', 'rollouts-pod-template-hash': hash } } });
  });
});

describe('ensureReplicaSet', () => {
  const rollout: Rollout = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'shop', namespace: 'shop', uid: 'u-1' }, spec: { selector: SELECTOR, template: TEMPLATE, strategy: { canary: {} } } };
  const DEADLINE = 'vane.dev/scale-down-deadline';

  function recording(): { writer: ObjectWriter; patches: unknown[] } {
    const patches: unknown[] = [];
    const fail = (): never => {
      throw new Error('unexpected write');
    };
    const writer: ObjectWriter = {
      create: fail,
      replace: fail,
      delete: fail,
      patch: <T extends KubeObject>(_kind: unknown, _ns: unknown, _name: unknown, patch: unknown) => {
        patches.push(patch);
        return Promise.resolve({} as T);
      },
    };
    return { writer, patches };
  }

  it('given a scale to zero that also removes the scale-down deadline, then both go in one request', async () => {
    const current = buildReplicaSet(rollout, TEMPLATE, 'old', 1);
    current.metadata.annotations = { ...current.metadata.annotations, [DEADLINE]: '2026-12-07T18:20:55.367Z' };
    const { writer, patches } = recording();
    await ensureReplicaSet(writer, rollout, current, TEMPLATE, 'old', 0, { annotations: { [DEADLINE]: null } });
    expect(patches).toEqual([{ spec: { replicas: 0 }, metadata: { annotations: { [DEADLINE]: null } } }]);
  });

  it('given the count and annotations it already has, then nothing is written; given only an annotation to change, then only that is', async () => {
    const current = buildReplicaSet(rollout, TEMPLATE, 'old', 1);
    const { writer, patches } = recording();
    await ensureReplicaSet(writer, rollout, current, TEMPLATE, 'old', 1, { annotations: { [DEADLINE]: null } });
    expect(patches).toEqual([]);
    await ensureReplicaSet(writer, rollout, current, TEMPLATE, 'old', 1, { annotations: { [DEADLINE]: '2026-12-07T18:20:55.367Z' } });
    expect(patches).toEqual([{ metadata: { annotations: { [DEADLINE]: '2026-12-07T18:20:55.367Z' } } }]);
  });
});
