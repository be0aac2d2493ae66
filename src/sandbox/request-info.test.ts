import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './request-info.js';

const parse = (method: string, url: string): ReturnType<typeof parseRequestInfo> => {
  const u = new URL(url, 'https://x');
  return parseRequestInfo(method, u.pathname, u.searchParams);
};

describe('parseRequestInfo', () => {
  it('given a namespaced object path, then group, version, resource, namespace and name are read', () => {
    expect(parse('GET', '/apis/apps/v1/namespaces/shop/deployments/web')).toMatchObject({
      kind: 'resource',
      verb: 'get',
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
      subresource: undefined,
    });
  });

  it('given a collection, then GET lists, GET with watch=1 watches, POST creates and DELETE deletes the collection', () => {
    expect(parse('GET', '/api/v1/namespaces/a/pods')).toMatchObject({ verb: 'list', group: '', resource: 'pods', namespace: 'a' });
    expect(parse('GET', '/api/v1/namespaces/a/pods?watch=1')).toMatchObject({ verb: 'watch' });
    expect(parse('POST', '/api/v1/namespaces/a/pods')).toMatchObject({ verb: 'create' });
    expect(parse('DELETE', '/api/v1/namespaces/a/pods')).toMatchObject({ verb: 'deletecollection' });
  });

  it('given namespaces themselves, then the namespace is the name and status/finalize are subresources', () => {
    expect(parse('GET', '/api/v1/namespaces/shop')).toMatchObject({ resource: 'namespaces', name: 'shop', namespace: undefined });
    expect(parse('PUT', '/api/v1/namespaces/shop/finalize')).toMatchObject({ verb: 'update', resource: 'namespaces', name: 'shop', subresource: 'finalize' });
  });

  it('given a legacy /watch/ path, then the verb is watch', () => {
    expect(parse('GET', '/api/v1/watch/namespaces/a/pods/p1')).toMatchObject({ verb: 'watch', resource: 'pods', name: 'p1', namespace: 'a' });
  });

  it('given a subresource, then it is split off', () => {
    expect(parse('PATCH', '/apis/vane.dev/v1alpha1/namespaces/a/rollouts/r/status')).toMatchObject({ verb: 'patch', resource: 'rollouts', name: 'r', subresource: 'status' });
  });

  it('given discovery and other paths, then they are told apart from resources', () => {
    expect(parse('GET', '/apis')).toEqual({ kind: 'discovery', prefix: 'apis', group: undefined, version: undefined });
    expect(parse('GET', '/apis/apps/v1')).toEqual({ kind: 'discovery', prefix: 'apis', group: 'apps', version: 'v1' });
    expect(parse('GET', '/api')).toEqual({ kind: 'discovery', prefix: 'api', group: '', version: undefined });
    expect(parse('GET', '/version')).toEqual({ kind: 'nonResource', path: '/version' });
  });

  it('given POST to a named object, then the method is refused', () => {
    expect(parse('POST', '/api/v1/namespaces/a/configmaps/c')).toEqual({ kind: 'badMethod' });
  });
});
