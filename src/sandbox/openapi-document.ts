// A minimal OpenAPI v3 description: per group-version paths whose write operations declare `fieldValidation`, which
// is what kubectl checks to hand validation to the server (fieldValidation=Strict) instead of validating against
// downloaded schemas. No component schemas are published, so kubectl computes strategic merge patches from its
// compiled-in types, as it does for any type it cannot find in OpenAPI.
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';

function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(registry: ResourceRegistry): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const type of registry.all()) seen.set(groupVersionPath(type.group, type.version), { group: type.group, version: type.version });
  return [...seen.values()];
}

/** Changes whenever the served resources do, so clients re-fetch documents they cached by URL. */
function registryHash(registry: ResourceRegistry): string {
  const text = registry
    .all()
    .map((t) => `${t.group}/${t.version}/${t.resource}/${t.kind}`)
    .sort()
    .join(',');
  return createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase();
}

/** `/openapi/v3`: where each group-version's document lives. */
export function openApiRoot(registry: ResourceRegistry): Record<string, unknown> {
  const hash = registryHash(registry);
  const paths: Record<string, unknown> = {};
  for (const { group, version } of groupVersions(registry)) {
    const path = groupVersionPath(group, version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));

function operation(type: ResourceType, action: string): Record<string, unknown> {
  return {
    operationId: `${action}${type.kind}`,
    parameters: QUERY_PARAMS,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind: type.kind },
  };
}

function typePaths(type: ResourceType): Record<string, unknown> {
  const base = `/${groupVersionPath(type.group, type.version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.resource}`;
  if (type.review) return { [base]: { post: operation(type, 'post') } };
  return {
    [base]: { post: operation(type, 'post') },
    [`${base}/{name}`]: { put: operation(type, 'put'), patch: operation(type, 'patch') },
  };
}

/** `/openapi/v3/<group-version path>`, or undefined when nothing is served there. */
export function openApiGroupVersion(registry: ResourceRegistry, path: string): Record<string, unknown> | undefined {
  const gv = groupVersions(registry).find((g) => groupVersionPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths = Object.assign({}, ...registry.inGroupVersion(gv.group, gv.version).map(typePaths)) as Record<string, unknown>;
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.29.0' }, paths, components: { schemas: {} } };
}
