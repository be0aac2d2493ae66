import { describe, expect, it } from 'vitest';
import { parseRoute, rolloutHref } from './hash-route.js';

describe('hash routes', () => {
  it('go from a rollout link back to its namespace and name, escaping what a path cannot hold', () => {
    expect(parseRoute(rolloutHref('my ns', 'a/b'))).toEqual({ page: 'rollout', namespace: 'my ns', name: 'a/b' });
    expect(parseRoute('#/')).toEqual({ page: 'list' });
    expect(parseRoute('#/rollouts/only-namespace')).toEqual({ page: 'list' });
    expect(parseRoute('#/rollouts/%E0%A4%A/x')).toEqual({ page: 'list' });
  });
});
