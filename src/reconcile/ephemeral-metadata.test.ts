// Specification of role metadata (Argo docs features/ephemeral-metadata.md): which revision carries which role's
// labels and annotations, and the change that moves them without touching anyone else's.
// @covers spec.strategy.canary.canaryMetadata.annotations
// @covers spec.strategy.canary.stableMetadata.annotations
// @covers spec.strategy.blueGreen.activeMetadata.annotations
import { describe, expect, it } from 'vitest';
import type { Rollout } from '../resources/rollout.js';
import { applyMetadataPatch, metadataPatch, revisionTemplate, roleMetadata } from './ephemeral-metadata.js';

const canaryMetadata = { labels: { role: 'canary' }, annotations: { 'example.com/track': 'canary' } };
const stableMetadata = { labels: { role: 'stable' }, annotations: { 'example.com/track': 'stable', 'example.com/stable-only': 'yes' } };

function rollout(strategy: Rollout['spec']['strategy']): Rollout {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, strategy } };
}

describe('roleMetadata', () => {
  const canary = rollout({ canary: { canaryMetadata, stableMetadata } });

  it('given a release under way, then the current revision has the canary metadata, the stable the stable metadata and any other none', () => {
    const roles = roleMetadata(canary, 'new', 'old');
    expect(roles?.('new')).toEqual(canaryMetadata);
    expect(roles?.('old')).toEqual(stableMetadata);
    expect(roles?.('older')).toBeUndefined();
  });

  it('given the current revision is stable (or nothing is stable yet), then it has the stable metadata', () => {
    expect(roleMetadata(canary, 'new', 'new')?.('new')).toEqual(stableMetadata);
    expect(roleMetadata(canary, 'new', '')?.('new')).toEqual(stableMetadata);
  });

  it('given blue-green, then preview plays the canary role and active the stable one', () => {
    const activeMetadata = { annotations: { 'example.com/active': 'yes' } };
    const roles = roleMetadata(rollout({ blueGreen: { activeService: 'a', activeMetadata, previewMetadata: canaryMetadata } }), 'new', 'old');
    expect(roles?.('new')).toEqual(canaryMetadata);
    expect(roles?.('old')).toEqual(activeMetadata);
  });

  it('given no role metadata, then there is nothing to sync', () => {
    expect(roleMetadata(rollout({ canary: {} }), 'new', 'old')).toBeUndefined();
  });
});

describe('metadataPatch', () => {
  it('given a promotion, then canary keys become stable ones, keys only the canary had go, and labels nobody injected stay', () => {
    const pod = { labels: { app: 'web', role: 'canary', 'sidecar.istio.io/inject': 'true' }, annotations: { 'example.com/track': 'canary', 'kept': 'x' } };
    const patch = metadataPatch(pod, { ...canaryMetadata, annotations: { ...canaryMetadata.annotations, 'example.com/canary-only': 'y' } }, stableMetadata);
    expect(patch).toEqual({ labels: { role: 'stable' }, annotations: { 'example.com/track': 'stable', 'example.com/stable-only': 'yes' } });
    const after = applyMetadataPatch(pod, patch);
    expect(after).toEqual({ labels: { app: 'web', role: 'stable', 'sidecar.istio.io/inject': 'true' }, annotations: { 'example.com/track': 'stable', 'example.com/stable-only': 'yes', kept: 'x' } });
  });

  it('given a revision that lost its role, then what was injected is removed (null in the merge patch)', () => {
    const patch = metadataPatch({ labels: { app: 'web', role: 'stable' }, annotations: { 'example.com/track': 'stable' } }, stableMetadata, undefined);
    expect(patch).toEqual({ labels: { role: null }, annotations: { 'example.com/track': null } });
  });

  it('given metadata already in place, then there is no patch', () => {
    expect(metadataPatch({ labels: { role: 'stable' }, annotations: { ...stableMetadata.annotations } }, stableMetadata, stableMetadata)).toBeUndefined();
  });
});

describe('revisionTemplate', () => {
  it('given a ReplicaSet carrying role metadata, then its revision template has the labels and annotations it had without it', () => {
    const template = {
      metadata: { labels: { app: 'web', role: 'stable', 'rollouts-pod-template-hash': 'h1' }, annotations: { 'example.com/track': 'stable', kept: 'x' } },
      spec: { containers: [{ name: 'app', image: 'img:1' }] },
    };
    const rs = { metadata: { annotations: { 'vane.dev/ephemeral-metadata': JSON.stringify({ labels: { role: 'stable' }, annotations: { 'example.com/track': 'stable' } }) } }, spec: { template } };
    expect(revisionTemplate(rs)).toEqual({ metadata: { labels: { app: 'web', 'rollouts-pod-template-hash': 'h1' }, annotations: { kept: 'x' } }, spec: template.spec });
  });

  it('given a ReplicaSet without role metadata, then its template is returned as it is', () => {
    const template = { metadata: { labels: { app: 'web', role: 'mine' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } };
    expect(revisionTemplate({ metadata: {}, spec: { template } })).toBe(template);
  });
});
