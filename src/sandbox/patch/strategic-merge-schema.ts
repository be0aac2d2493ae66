// The patchStrategy / patchMergeKey struct tags of the built-in kinds the sandbox serves, transcribed from the
// Kubernetes API types (core/v1, apps/v1, coordination.k8s.io/v1) for strategic merge patch.

/**
 * What a field's Go struct tags say. `strategy: 'merge'` on a list merges it (by `mergeKey` for objects, as a
 * set for scalars); lists without it are atomic. `fields` describes the struct the field (or its list items)
 * holds; a field without `fields` is a plain map or a struct with no patch tags below it.
 */
export interface PatchField {
  strategy?: 'merge' | 'replace';
  retainKeys?: boolean;
  mergeKey?: string;
  fields?: PatchStruct;
}

export type PatchStruct = Readonly<Record<string, PatchField>>;

function mergeList(mergeKey: string, fields?: PatchStruct, retainKeys = false): PatchField {
  return { strategy: 'merge', mergeKey, ...(fields !== undefined ? { fields } : {}), ...(retainKeys ? { retainKeys } : {}) };
}

function struct(fields: PatchStruct): PatchField {
  return { fields };
}

const OBJECT_META: PatchStruct = {
  finalizers: { strategy: 'merge' },
  ownerReferences: mergeList('uid'),
};

const CONDITIONS = mergeList('type');

const CONTAINER: PatchStruct = {
  ports: mergeList('containerPort'),
  env: mergeList('name'),
  volumeMounts: mergeList('mountPath'),
  volumeDevices: mergeList('devicePath'),
};

const POD_SPEC: PatchStruct = {
  volumes: mergeList('name', undefined, true),
  initContainers: mergeList('name', CONTAINER),
  containers: mergeList('name', CONTAINER),
  ephemeralContainers: mergeList('name', CONTAINER),
  imagePullSecrets: mergeList('name'),
  hostAliases: mergeList('ip'),
  topologySpreadConstraints: mergeList('topologyKey'),
  resourceClaims: mergeList('name', undefined, true),
  schedulingGates: mergeList('name'),
};

const POD_STATUS: PatchStruct = {
  conditions: CONDITIONS,
  podIPs: mergeList('ip'),
  hostIPs: mergeList('ip'),
  resourceClaimStatuses: mergeList('name', undefined, true),
};

const POD_TEMPLATE: PatchStruct = {
  metadata: struct(OBJECT_META),
  spec: struct(POD_SPEC),
};

const WITH_CONDITIONS: PatchStruct = { conditions: CONDITIONS };

function kind(spec: PatchStruct, status: PatchStruct = {}, extra: PatchStruct = {}): PatchStruct {
  return { metadata: struct(OBJECT_META), spec: struct(spec), status: struct(status), ...extra };
}

const KINDS: Readonly<Record<string, PatchStruct>> = {
  Pod: kind(POD_SPEC, POD_STATUS),
  Service: kind({ ports: mergeList('port') }, WITH_CONDITIONS),
  ConfigMap: kind({}),
  Secret: kind({}),
  Namespace: kind({}, WITH_CONDITIONS),
  Event: kind({}),
  Deployment: kind(
    { template: struct(POD_TEMPLATE), strategy: { retainKeys: true } },
    WITH_CONDITIONS,
  ),
  ReplicaSet: kind({ template: struct(POD_TEMPLATE) }, WITH_CONDITIONS),
  Lease: kind({}),
};

/** The patch metadata of a kind's top-level struct, or undefined for kinds without one (custom resources). */
export function patchStructForKind(kindName: string): PatchStruct | undefined {
  return KINDS[kindName];
}
