// Discovery documents (/api, /apis, /apis/<group>, resource lists) in the legacy format every client understands;
// clients asking for aggregated discovery fall back to these, as they do against a 1.19-era server.
import type { ResourceRegistry, ServedGroup } from './resource-registry.js';
import { apiVersionOfType, type ResourceType } from './resource-type.js';

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];


export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupDocument(group: ServedGroup): Record<string, unknown> {
  const versions = group.versions.map((v) => ({ groupVersion: apiVersionOfType({ group: group.name, version: v }), version: v }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map(groupDocument) };
}

export function apiGroup(registry: ResourceRegistry, name: string): Record<string, unknown> | undefined {
  const group = registry.groups().find((g) => g.name === name);
  return group ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) } : undefined;
}

function resourceEntries(type: ResourceType): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: type.resource,
    singularName: type.singularName,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: [...type.verbs],
  };
  if (type.shortNames.length > 0) main['shortNames'] = [...type.shortNames];
  if (type.categories.length > 0) main['categories'] = [...type.categories];
  const entries = [main];
  if (type.statusSubresource) entries.push({ name: `${type.resource}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: SUBRESOURCE_VERBS });
  if (type.scale) {
    entries.push({ name: `${type.resource}/scale`, singularName: '', namespaced: type.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUBRESOURCE_VERBS });
  }
  if (type.resource === 'namespaces') entries.push({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
  return entries;
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOfType({ group, version }), resources: types.flatMap(resourceEntries) };
}
