// The resource types a CustomResourceDefinition serves: one per served version, validated, defaulted and pruned
// with that version's structural schema.
import type { KubeObject } from './kube-object.js';
import { storageKeyOf } from './resource-registry.js';
import { ALL_VERBS, apiVersionCodec, type ObjectStrategy, type PrinterColumn, type ResourceType, type ScalePaths } from './resource-type.js';
import { METADATA_FIELDS } from './selectors/field-selector.js';
import { applyDefaults, pruneUnknownFields, validateObject, type JSONSchemaProps } from './schema/structural-schema.js';

/** The parts of an apiextensions.k8s.io/v1 CustomResourceDefinition the sandbox reads. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: object; scale?: ScalePaths };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

export interface CustomResourceDefinition extends KubeObject {
  spec: CrdSpec;
}

const ACCEPT_ANYTHING: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function customResourceStrategy(schema: JSONSchemaProps): ObjectStrategy {
  return {
    applyDefaults: (obj) => applyDefaults(schema, obj) as KubeObject,
    validate: (obj) => validateObject(schema, obj),
    pruneUnknownFields: (obj) => {
      const { pruned, removedPaths } = pruneUnknownFields(schema, obj);
      return { pruned: pruned as KubeObject, removedPaths };
    },
  };
}

function storageVersionOf(spec: CrdSpec): string {
  return spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name ?? '';
}

function typeFor(spec: CrdSpec, version: CrdVersion, storageVersion: string): ResourceType {
  const { group, names } = spec;
  const schema = version.schema?.openAPIV3Schema ?? ACCEPT_ANYTHING;
  const scale = version.subresources?.scale;
  return {
    group,
    version: version.name,
    resource: names.plural,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    singularName: names.singular ?? names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    nameFormat: 'subdomain',
    verbs: ALL_VERBS,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    storageKey: storageKeyOf(group, names.plural),
    statusSubresource: version.subresources?.status !== undefined,
    scale: scale ? { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, labelSelectorPath: scale.labelSelectorPath } : undefined,
    tracksGeneration: true,
    generationCountsAnnotations: false,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: false,
    returnDeletedObject: true,
    strategicMerge: false,
    selectableFields: METADATA_FIELDS,
    strategy: customResourceStrategy(schema),
    codec: apiVersionCodec(`${group}/${version.name}`, `${group}/${storageVersion}`),
    review: undefined,
    printerColumns: version.additionalPrinterColumns ?? [],
    // Custom resources are unstructured maps on the server: every key comes back sorted.
    keyOrder: 'sorted',
    microTimeFields: [],
  };
}

/** The served types of a CRD, and the type of its storage version (served or not). */
export function customResourceTypes(crd: CustomResourceDefinition): { served: ResourceType[]; storage: ResourceType | undefined } {
  const storageVersion = storageVersionOf(crd.spec);
  const served = crd.spec.versions.filter((v) => v.served).map((v) => typeFor(crd.spec, v, storageVersion));
  const storageSpec = crd.spec.versions.find((v) => v.name === storageVersion);
  return { served, storage: storageSpec ? typeFor(crd.spec, storageSpec, storageVersion) : undefined };
}
