// Named fixtures for the delivery tests: a Rollout and the records of a release that passed and one that failed.
import type { RevisionRecord, Rollout } from '../../../src/resources/rollout.js';

export const RELEASED_COMMIT = '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39';
export const REVERT_COMMIT = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
export const REPO_URL = 'https://github.com/acme/shop-deploy.git';

export function shopRollout(overrides: { uid?: string; progressDeadlineSeconds?: number } = {}): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { namespace: 'shop', name: 'checkout', ...(overrides.uid !== undefined ? { uid: overrides.uid } : { uid: '6b1f0c1e-2d1a-4c8e-9b7a-0f3e2d1c4b5a' }) },
    spec: {
      ...(overrides.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: overrides.progressDeadlineSeconds } : {}),
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } },
    },
  } as Rollout;
}

/** A release whose analysis failed on error-rate, reverted in git, then healthy again 4m 12s after the verdict. */
export function abortedRecord(): RevisionRecord {
  return {
    podTemplateHash: '7c9d8f6b5',
    images: ['ghcr.io/acme/checkout:1.4.2'],
    outcome: 'Aborted',
    attempt: 1,
    startedAt: '2025-03-04T10:00:00Z',
    finishedAt: '2025-03-04T10:06:00Z',
    source: { commit: RELEASED_COMMIT, authoredAt: '2025-03-04T09:40:00Z', repoURL: REPO_URL, via: 'argocd' },
    pauses: [{ at: '2025-03-04T10:02:00Z', reason: 'CanaryPauseStep', step: 1 }],
    verdict: {
      at: '2025-03-04T10:06:00Z',
      by: 'controller',
      reason: 'AnalysisFailed',
      message: 'error-rate above 0.05',
      metric: { name: 'error-rate', value: '0.127', analysisRun: 'checkout-7c9d8f6b5-2' },
    },
    trafficResetAt: '2025-03-04T10:06:01Z',
    revert: { commit: REVERT_COMMIT, repoURL: REPO_URL, at: '2025-03-04T10:06:20Z' },
    restoredAt: '2025-03-04T10:10:12Z',
  };
}

export function promotedRecord(): RevisionRecord {
  return {
    podTemplateHash: '5a4b3c2d1',
    images: ['ghcr.io/acme/checkout:1.4.1', 'ghcr.io/acme/envoy:1.30'],
    outcome: 'Promoted',
    attempt: 1,
    startedAt: '2025-03-03T09:00:00Z',
    finishedAt: '2025-03-03T09:20:00Z',
    source: { commit: RELEASED_COMMIT, repoURL: REPO_URL, via: 'flux' },
    verdict: { at: '2025-03-03T09:20:00Z', by: 'alice@acme.io', reason: 'UserPromote' },
  };
}
