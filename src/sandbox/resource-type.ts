// What the sandbox knows about one served resource (group/version/plural): its names, scope, verbs and rules.
import type { KeyOrder } from './field-order.js';
import type { KubeObject } from './kube-object.js';
import type { NameFormat } from './object-meta-validation.js';
import type { SchemaError } from './schema/structural-schema.js';
import type { SelectableFields } from './selectors/field-selector.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Where a scalable resource keeps its replica counts (the CRD `subresources.scale` shape). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A column of `kubectl get` output (a CRD's additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** Per-resource rules, the sandbox's counterpart of the apiserver's registry strategies. */
export interface ObjectStrategy {
  /** Fills defaults into an object about to be written (a private copy: it may mutate and return it). */
  applyDefaults(obj: KubeObject): KubeObject;
  /** Field errors for a create (`old` absent) or an update. */
  validate(obj: KubeObject, old: KubeObject | undefined): SchemaError[];
  /** Field errors of a write to the status subresource, across status fields (replica counts, say). */
  validateStatus?(obj: KubeObject, old: KubeObject): SchemaError[];
  /** Drops fields the schema does not know; absent for built-ins, which keep what they are sent. */
  pruneUnknownFields?(obj: KubeObject): { pruned: KubeObject; removedPaths: string[] };
  /** Server-owned changes on create, after defaulting: the initial status, a Service's clusterIP. */
  prepareForCreate?(obj: KubeObject): void;
  /** Server-owned changes on update (a Service keeps its allocated clusterIP when a PUT omits it). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
}

/** Converts between the served version and the stored form (identity except for versioned CRDs and Events). */
export interface ObjectCodec {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
  /** True when fromStorage returns its argument unchanged, so cached JSON of the stored object can be served. */
  readonly identity: boolean;
}

/** A metav1.MicroTime field (six fractional digits, or the write is refused), and how Go's decoder names it. */
export interface MicroTimeField {
  /** Where it is in the served form, as a simple JSONPath (`.spec.renewTime`). */
  path: string;
  /** The decoder's path in its error text, e.g. `v1.Lease.Spec: v1.LeaseSpec.RenewTime`. */
  goPath: string;
}

/** Answers a create-only review resource (TokenReview, SubjectAccessReview) without storing anything. */
export type ReviewHandler = (body: KubeObject, user: { username: string; groups: string[] }) => Promise<KubeObject>;

export interface ResourceType {
  group: string;
  version: string;
  /** The plural, e.g. `replicasets`. */
  resource: string;
  kind: string;
  listKind: string;
  singularName: string;
  namespaced: boolean;
  nameFormat: NameFormat;
  verbs: readonly Verb[];
  shortNames: readonly string[];
  categories: readonly string[];
  /** Shared by every version of one resource (and by core/v1 and events.k8s.io/v1 Events). */
  storageKey: string;
  statusSubresource: boolean;
  scale: ScalePaths | undefined;
  /** Whether metadata.generation is maintained (bumped on spec changes). */
  tracksGeneration: boolean;
  /** Annotation changes bump the generation too (Deployments, whose annotations are copied onto ReplicaSets). */
  generationCountsAnnotations: boolean;
  allowCreateOnUpdate: boolean;
  /** Whether a PUT may leave out metadata.resourceVersion (built-ins yes; custom resources must send it). */
  allowUnconditionalUpdate: boolean;
  /** DELETE answers with the object rather than a success Status. */
  returnDeletedObject: boolean;
  strategicMerge: boolean;
  /** The fields a field selector may name, read from the stored form. */
  selectableFields: SelectableFields;
  strategy: ObjectStrategy;
  codec: ObjectCodec;
  review: ReviewHandler | undefined;
  printerColumns: readonly PrinterColumn[];
  /** The key order of served JSON: Go struct order for built-ins, sorted for custom resources. */
  keyOrder: KeyOrder;
  microTimeFields: readonly MicroTimeField[];
}

export function apiVersionOfType(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export const IDENTITY_CODEC: ObjectCodec = {
  toStorage: (obj) => obj,
  fromStorage: (obj) => obj,
  identity: true,
};

/** A codec that only rewrites apiVersion: versions of a CRD without a conversion webhook. */
export function apiVersionCodec(servedApiVersion: string, storageApiVersion: string): ObjectCodec {
  if (servedApiVersion === storageApiVersion) return IDENTITY_CODEC;
  return {
    toStorage: (obj) => ({ ...obj, apiVersion: storageApiVersion }),
    fromStorage: (obj) => ({ ...obj, apiVersion: servedApiVersion }),
    identity: false,
  };
}
