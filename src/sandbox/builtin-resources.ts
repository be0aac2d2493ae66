// The built-in resources the sandbox serves, with the names, verbs and scopes discovery reports for them.
import {
  configMapStrategy,
  createServiceStrategy,
  deploymentStrategy,
  leaseStrategy,
  namespaceStrategy,
  noRules,
  podStrategy,
  replicaSetStrategy,
  secretStrategy,
  validateEventsV1,
} from './builtin-strategies.js';
import {
  CONFIG_MAP,
  CUSTOM_RESOURCE_DEFINITION,
  DEPLOYMENT,
  EVENT,
  EVENTS_V1_EVENT,
  INGRESS,
  JOB,
  LEASE,
  NAMESPACE,
  POD,
  REPLICA_SET,
  SECRET,
  SERVICE,
  SPEC_AND_STATUS,
} from './builtin-field-orders.js';
import { crdStrategy } from './custom-resource-definition-strategy.js';
import { eventsV1Codec } from './event-conversion.js';
import { jobStrategy } from './job-strategy.js';
import { storageKeyOf } from './resource-registry.js';
import { ALL_VERBS, IDENTITY_CODEC, type MicroTimeField, type ResourceType, type Verb } from './resource-type.js';
import { accessReviewHandler, tokenReviewHandler } from './review-resources.js';
import type { SandboxAuth } from './sandbox-auth.js';
import { fieldPathGetter, fieldsForKind, METADATA_FIELDS, withFields } from './selectors/field-selector.js';

type TypeSpec = Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind'> & Partial<ResourceType>;

function builtin(spec: TypeSpec): ResourceType {
  return {
    listKind: `${spec.kind}List`,
    singularName: spec.kind.toLowerCase(),
    namespaced: true,
    nameFormat: 'subdomain',
    verbs: ALL_VERBS,
    shortNames: [],
    categories: [],
    storageKey: storageKeyOf(spec.group, spec.resource),
    statusSubresource: false,
    scale: undefined,
    tracksGeneration: false,
    generationCountsAnnotations: false,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: false,
    strategicMerge: true,
    selectableFields: fieldsForKind(spec.kind),
    strategy: noRules,
    codec: IDENTITY_CODEC,
    review: undefined,
    printerColumns: [],
    keyOrder: SPEC_AND_STATUS,
    microTimeFields: [],
    ...spec,
  };
}

/** The MicroTime fields of an Event, in either API (the same names in core/v1 and events.k8s.io/v1). */
const EVENT_MICRO_TIMES: readonly MicroTimeField[] = [
  { path: '.eventTime', goPath: 'v1.Event.EventTime' },
  { path: '.series.lastObservedTime', goPath: 'v1.Event.Series: v1.EventSeries.LastObservedTime' },
];

const LEASE_MICRO_TIMES: readonly MicroTimeField[] = [
  { path: '.spec.acquireTime', goPath: 'v1.Lease.Spec: v1.LeaseSpec.AcquireTime' },
  { path: '.spec.renewTime', goPath: 'v1.Lease.Spec: v1.LeaseSpec.RenewTime' },
];

/**
 * events.k8s.io/v1 field selectors, read from the stored core/v1 form (so `regarding.name` is `involvedObject.name`).
 */
const EVENTS_V1_FIELDS = withFields(METADATA_FIELDS, {
  'regarding.kind': fieldPathGetter('involvedObject.kind'),
  'regarding.namespace': fieldPathGetter('involvedObject.namespace'),
  'regarding.name': fieldPathGetter('involvedObject.name'),
  'regarding.uid': fieldPathGetter('involvedObject.uid'),
  'regarding.apiVersion': fieldPathGetter('involvedObject.apiVersion'),
  'regarding.resourceVersion': fieldPathGetter('involvedObject.resourceVersion'),
  'regarding.fieldPath': fieldPathGetter('involvedObject.fieldPath'),
  reason: true,
  reportingController: fieldPathGetter('reportingComponent'),
  type: true,
});

const CREATE_ONLY: readonly Verb[] = ['create'];

export const CRD_GROUP = 'apiextensions.k8s.io';

/** Every built-in type; strategies with state (the Service IP allocator) are fresh per sandbox. */
export function builtinResources(auth: SandboxAuth): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      nameFormat: 'label',
      shortNames: ['ns'],
      statusSubresource: true,
      strategy: namespaceStrategy,
      keyOrder: NAMESPACE,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
      statusSubresource: true,
      returnDeletedObject: true,
      strategy: podStrategy,
      keyOrder: POD,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'services',
      kind: 'Service',
      nameFormat: 'dns1035',
      shortNames: ['svc'],
      categories: ['all'],
      statusSubresource: true,
      strategy: createServiceStrategy(),
      keyOrder: SERVICE,
    }),
    builtin({ group: '', version: 'v1', resource: 'secrets', kind: 'Secret', strategy: secretStrategy, keyOrder: SECRET }),
    builtin({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'], strategy: configMapStrategy, keyOrder: CONFIG_MAP }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      shortNames: ['ev'],
      nameFormat: 'pathSegment',
      allowCreateOnUpdate: true,
      keyOrder: EVENT,
      microTimeFields: EVENT_MICRO_TIMES,
    }),
    builtin({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      shortNames: ['deploy'],
      categories: ['all'],
      statusSubresource: true,
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
      tracksGeneration: true,
      generationCountsAnnotations: true,
      strategy: deploymentStrategy,
      keyOrder: DEPLOYMENT,
    }),
    builtin({
      group: 'apps',
      version: 'v1',
      resource: 'replicasets',
      kind: 'ReplicaSet',
      shortNames: ['rs'],
      categories: ['all'],
      statusSubresource: true,
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
      tracksGeneration: true,
      strategy: replicaSetStrategy,
      keyOrder: REPLICA_SET,
    }),
    builtin({
      group: 'batch',
      version: 'v1',
      resource: 'jobs',
      kind: 'Job',
      categories: ['all'],
      statusSubresource: true,
      strategy: jobStrategy,
      keyOrder: JOB,
    }),
    builtin({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      shortNames: ['ev'],
      nameFormat: 'pathSegment',
      storageKey: storageKeyOf('', 'events'),
      allowCreateOnUpdate: true,
      codec: eventsV1Codec,
      strategy: { applyDefaults: (obj) => obj, validate: validateEventsV1 },
      selectableFields: EVENTS_V1_FIELDS,
      keyOrder: EVENTS_V1_EVENT,
      microTimeFields: EVENT_MICRO_TIMES,
    }),
    builtin({ group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: CREATE_ONLY, review: tokenReviewHandler(auth) }),
    builtin({ group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false, verbs: CREATE_ONLY, review: accessReviewHandler(auth, false) }),
    builtin({ group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: CREATE_ONLY, review: accessReviewHandler(auth, true) }),
    builtin({
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      kind: 'Lease',
      allowCreateOnUpdate: true,
      strategy: leaseStrategy,
      keyOrder: LEASE,
      microTimeFields: LEASE_MICRO_TIMES,
    }),
    builtin({
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'ingresses',
      kind: 'Ingress',
      shortNames: ['ing'],
      statusSubresource: true,
      tracksGeneration: true,
      keyOrder: INGRESS,
    }),
    builtin({
      group: CRD_GROUP,
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      statusSubresource: true,
      tracksGeneration: true,
      strategy: crdStrategy,
      keyOrder: CUSTOM_RESOURCE_DEFINITION,
    }),
  ];
}
