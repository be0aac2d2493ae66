// Specification of when the traffic finalizer is added, used and removed.
import { describe, expect, it } from 'vitest';
import type { Rollout } from '../resources/rollout.js';
import { finalizerAction, TRAFFIC_FINALIZER } from './traffic-finalizer.js';

function rollout(routed: boolean, finalizers?: string[], deleting = false): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', ...(finalizers ? { finalizers } : {}), ...(deleting ? { deletionTimestamp: '2026-12-01T00:00:00Z' } : {}) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { canary: { steps: [], ...(routed ? { trafficRouting: { gatewayAPI: { httpRoutes: [{ name: 'web' }] } } } : {}) } },
    },
  } as Rollout;
}

describe('finalizerAction', () => {
  it('given a routed Rollout without the finalizer, then add it; with it, nothing', () => {
    expect(finalizerAction(rollout(true))).toBe('add');
    expect(finalizerAction(rollout(true, [TRAFFIC_FINALIZER]))).toBe('none');
  });

  it('given a Rollout whose routing was removed from the spec, then drop the finalizer, keeping nothing to undo', () => {
    expect(finalizerAction(rollout(false, ['other.example.com/keep', TRAFFIC_FINALIZER]))).toBe('remove');
  });

  it('given a Rollout being deleted, then finalize only when it carries the finalizer', () => {
    expect(finalizerAction(rollout(true, [TRAFFIC_FINALIZER], true))).toBe('finalize');
    expect(finalizerAction(rollout(true, ['other.example.com/keep'], true))).toBe('none');
  });

  it('given an object without a strategy (invalid, not yet reported), then no finalizer work and no crash', () => {
    const invalid = { ...rollout(false), spec: {} } as unknown as Rollout;
    expect(finalizerAction(invalid)).toBe('none');
  });
});
