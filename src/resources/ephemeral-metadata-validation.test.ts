// Specification of the checks on role metadata (canary/stable, preview/active): what the API server would refuse on
// a pod, and labels that would take pods out of their ReplicaSet, are refused naming the field.
import { describe, expect, it } from 'vitest';
import { validateRollout } from './rollout-validation.js';

function rollout(strategy: Record<string, unknown>): unknown {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } },
      strategy,
    },
  };
}

const messages = (obj: unknown): string[] => validateRollout(obj).map((e) => `${e.path}: ${e.message}`);

describe('role metadata validation', () => {
  it('given well-formed canary and stable metadata, then the Rollout is valid', () => {
    expect(messages(rollout({ canary: { canaryMetadata: { labels: { role: 'canary' }, annotations: { 'example.com/x': 'any value at all' } }, stableMetadata: { labels: { role: '' } } } }))).toEqual([]);
  });

  it('given a label the selector uses, then it is refused', () => {
    expect(messages(rollout({ canary: { stableMetadata: { labels: { app: 'web-stable' } } } }))).toEqual([
      expect.stringMatching(/^spec\.strategy\.canary\.stableMetadata\.labels\.app: must not be a label the selector/),
    ]);
  });

  it('given the pod-template-hash label, then it is refused', () => {
    expect(messages(rollout({ blueGreen: { activeService: 'a', previewMetadata: { labels: { 'rollouts-pod-template-hash': 'x' } } } }))[0]).toMatch(/previewMetadata\.labels\.rollouts-pod-template-hash: must not be a label/);
  });

  it('given a malformed label key or value or annotation key, then each is refused with the reason', () => {
    const found = messages(rollout({ blueGreen: { activeService: 'a', activeMetadata: { labels: { 'bad key': 'ok', good: 'bad value!' }, annotations: { '/x': 'v' } } } }));
    expect(found).toEqual([
      expect.stringMatching(/^spec\.strategy\.blueGreen\.activeMetadata\.labels\.bad key: is not a valid label key/),
      expect.stringMatching(/^spec\.strategy\.blueGreen\.activeMetadata\.labels\.good: has an invalid label value/),
      expect.stringMatching(/^spec\.strategy\.blueGreen\.activeMetadata\.annotations\.\/x: is not a valid annotation key/),
    ]);
  });

  it('given a non-string label value, then it is refused', () => {
    expect(messages(rollout({ canary: { canaryMetadata: { labels: { role: 1 } } } }))).toEqual(['spec.strategy.canary.canaryMetadata.labels.role: must be a string']);
  });
});
