import { defineConfig } from 'vitest/config';

/**
 * The real API server leg: with $VANE_TEST_APISERVER naming a kube-apiserver start script (`start.sh DIR` writing
 * DIR/kubeconfig, `stop.sh DIR` beside it), the controller end-to-end suites and the API contract suite run a
 * second time, each file against a fresh real API server. Without it they run on the sandbox only, and the closing
 * summary says the leg was skipped.
 */
const apiServer = process.env['VANE_TEST_APISERVER'] ?? '';

/** The suites that must hold against a real kube-apiserver as well as the sandbox. */
export const REAL_API_SERVER_SUITES = [
  'test/reconcile/rollout-controller.test.ts',
  'test/reconcile/analysis-gates.test.ts',
  'test/reconcile/analysis-live.test.ts',
  'test/reconcile/traffic-routing.test.ts',
  'test/reconcile/header-route.test.ts',
  'test/reconcile/git-rollback.test.ts',
  'test/reconcile/git-rollback-queue.test.ts',
  'test/reconcile/leader-election.test.ts',
  'test/reconcile/crash-safety.test.ts',
  'test/reconcile/first-release.test.ts',
  'test/reconcile/long-name.test.ts',
  'test/reconcile/release-records.test.ts',
  'test/reconcile/release-source.test.ts',
  'test/delivery/notification-outbox.test.ts',
  'test/kube/shard-leases.test.ts',
  'test/kube/informer-partitions.test.ts',
  'test/reconcile/sharding.test.ts',
];

/** The API server contract suite: against one real server for all its files, skipping what that server lacks. */
const CONTRACT_SUITE = ['test/sandbox/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['./test/support/build-cli.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sandbox',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
          // The sandbox leg ignores the real server, but still honours a cluster the user points the contract suite at.
          env: { VANE_TEST_APISERVER: '', VANE_TEST_KUBECONFIG: process.env['VANE_TEST_KUBECONFIG'] ?? '' },
        },
      },
      ...(apiServer
        ? [
            { extends: true as const, test: { name: 'real-apiserver', include: REAL_API_SERVER_SUITES, env: { VANE_TEST_APISERVER: apiServer } } },
            {
              extends: true as const,
              test: { name: 'real-apiserver-contract', include: CONTRACT_SUITE, globalSetup: ['./test/support/real-api-server-setup.ts'], env: { VANE_TEST_APISERVER: apiServer } },
            },
          ]
        : []),
    ],
  },
});
