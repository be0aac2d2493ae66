// Specification of the pod-template fields a targeted image edit leaves as the failing release made them.
import { describe, expect, it } from 'vitest';
import { templateDifferences } from '../../src/gitops/pod-template-diff.js';

const stable = {
  metadata: { labels: { app: 'checkout', 'rollouts-pod-template-hash': 'aaa' } },
  spec: {
    containers: [
      { name: 'app', image: 'checkout:1.4.0', env: [{ name: 'LOG_LEVEL', value: 'info' }], resources: { limits: { cpu: '500m' } } },
      { name: 'proxy', image: 'envoy:1.30' },
    ],
  },
};

describe('templateDifferences', () => {
  it('given only images (and the hash label) changed, when compared, then nothing is reported', () => {
    const failing = structuredClone(stable);
    failing.spec.containers[0]!.image = 'checkout:1.5.0';
    failing.metadata.labels['rollouts-pod-template-hash'] = 'bbb';
    expect(templateDifferences(stable, failing)).toEqual([]);
  });

  it('given an env value, a limit and an annotation changed, when compared, then each is named by container and entry name', () => {
    const failing = structuredClone(stable) as typeof stable & { metadata: { annotations?: Record<string, string> } };
    const app = failing.spec.containers[0] as { image: string; env: Array<{ value: string }>; resources: { limits: { cpu: string } } };
    app.image = 'checkout:1.5.0';
    app.env[0]!.value = 'debug';
    app.resources.limits.cpu = '1';
    failing.metadata.annotations = { 'example.com/restarted-at': 'now' };
    expect(templateDifferences(stable, failing)).toEqual([
      'metadata.annotations',
      'spec.containers[app].env[LOG_LEVEL].value',
      'spec.containers[app].resources.limits.cpu',
    ]);
  });

  it('given the same template with its keys in another order, when compared, then nothing is reported', () => {
    const reordered = { spec: { containers: stable.spec.containers.map((c) => Object.fromEntries(Object.entries(c).reverse())) }, metadata: stable.metadata };
    expect(templateDifferences(stable, reordered)).toEqual([]);
  });
});
