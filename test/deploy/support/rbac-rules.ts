// Kubernetes RBAC, evaluated over rendered manifests: which rules reach a ServiceAccount through which bindings,
// and whether they allow one API request (verb, group, resource/subresource, namespace, name).
import type { ManifestObject } from './kustomize-render.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

/** Rules granted to a subject, and where: everywhere (ClusterRoleBinding) or in one namespace (RoleBinding). */
export interface Grant {
  rule: PolicyRule;
  /** undefined: all namespaces and cluster-scoped resources. */
  namespace: string | undefined;
  source: string;
}

export interface ApiRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

interface Binding {
  roleRef: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

function rulesOf(objects: readonly ManifestObject[], kind: string, name: string, namespace: string | undefined): PolicyRule[] {
  const role = objects.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace));
  if (!role) throw new Error(`${kind} ${name} is bound but not rendered`);
  return (role['rules'] as PolicyRule[] | undefined) ?? [];
}

/** Every rule bound to the ServiceAccount `namespace/name` in the rendered objects. */
export function grantsFor(objects: readonly ManifestObject[], account: { namespace: string; name: string }): Grant[] {
  const grants: Grant[] = [];
  for (const o of objects) {
    if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') continue;
    const binding = o as unknown as ManifestObject & Binding;
    const bound = (binding.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace);
    if (!bound) continue;
    const scope = o.kind === 'ClusterRoleBinding' ? undefined : o.metadata.namespace;
    const source = `${o.kind} ${o.metadata.name} → ${binding.roleRef.kind} ${binding.roleRef.name}`;
    for (const rule of rulesOf(objects, binding.roleRef.kind, binding.roleRef.name, o.metadata.namespace)) grants.push({ rule, namespace: scope, source });
  }
  return grants;
}

function matches(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).some((item) => item === '*' || item === value);
}

/** As the RBAC authorizer decides: group, `resource/subresource`, verb, and resourceNames when the rule has any. */
export function ruleAllows(rule: PolicyRule, request: ApiRequest): boolean {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  if (!matches(rule.verbs, request.verb) || !matches(rule.apiGroups, request.group) || !matches(rule.resources, resource)) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return request.name !== undefined && rule.resourceNames.includes(request.name);
}

export function allowed(grants: readonly Grant[], request: ApiRequest): boolean {
  return grants.some((g) => (g.namespace === undefined || g.namespace === request.namespace) && ruleAllows(g.rule, request));
}

/** `verb group/resource[/sub]`, the unit the tests compare. */
export function permissionKey(verb: string, group: string, resource: string): string {
  return `${verb} ${group === '' ? 'core' : group}/${resource}`;
}

/** Every (verb, group, resource) a set of grants spells out; `*` comes back as itself. */
export function grantedPermissions(grants: readonly Grant[]): Set<string> {
  const keys = new Set<string>();
  for (const { rule } of grants) {
    for (const verb of rule.verbs) for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) keys.add(permissionKey(verb, group, resource));
  }
  return keys;
}

export function wildcards(grants: readonly Grant[]): string[] {
  return grants
    .filter(({ rule }) => [...rule.verbs, ...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...(rule.nonResourceURLs ?? [])].some((v) => v.includes('*')))
    .map((g) => `${g.source}: ${JSON.stringify(g.rule)}`);
}
