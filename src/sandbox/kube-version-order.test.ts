import { describe, expect, it } from 'vitest';
import { compareKubeVersions } from './kube-version-order.js';

describe('compareKubeVersions', () => {
  it('given mixed versions, then GA beats beta beats alpha, higher numbers first, other names last', () => {
    const versions = ['v1alpha1', 'foo', 'v1beta1', 'v2', 'v1', 'v1beta2', 'v10alpha1', 'bar'];
    expect([...versions].sort(compareKubeVersions)).toEqual(['v2', 'v1', 'v1beta2', 'v1beta1', 'v10alpha1', 'v1alpha1', 'bar', 'foo']);
  });
});
