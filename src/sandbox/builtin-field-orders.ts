// The Go struct field order of the built-in kinds the sandbox serves, as the apiserver's JSON shows it (checked
// against a real kube-apiserver for the top level, ObjectMeta, workloads, pod templates, Services, Leases,
// ConfigMaps, Secrets and Events). Fields the structs do not list keep their place after the listed ones.
import type { StructOrder } from './field-order.js';

const MAP = 'map' as const;

const OWNER_REFERENCE: StructOrder = { fields: ['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion'] };

const MANAGED_FIELDS_ENTRY: StructOrder = { fields: ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource'] };

/** metav1.ObjectMeta. */
export const OBJECT_META: StructOrder = {
  fields: [
    'name',
    'generateName',
    'namespace',
    'selfLink',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'ownerReferences',
    'finalizers',
    'managedFields',
  ],
  nested: { labels: MAP, annotations: MAP, ownerReferences: OWNER_REFERENCE, managedFields: MANAGED_FIELDS_ENTRY },
};

/** TypeMeta inline (kind before apiVersion), then metadata, then the kind's own fields. */
function topLevel(fields: readonly string[], nested: Record<string, StructOrder | 'map'> = {}): StructOrder {
  return { fields: ['kind', 'apiVersion', 'metadata', ...fields], nested: { metadata: OBJECT_META, ...nested } };
}

const LABEL_SELECTOR: StructOrder = {
  fields: ['matchLabels', 'matchExpressions'],
  nested: { matchLabels: MAP, matchExpressions: { fields: ['key', 'operator', 'values'] } },
};

const OBJECT_REFERENCE: StructOrder = { fields: ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] };

const CONTAINER: StructOrder = {
  fields: [
    'name',
    'image',
    'command',
    'args',
    'workingDir',
    'ports',
    'envFrom',
    'env',
    'resources',
    'resizePolicy',
    'restartPolicy',
    'volumeMounts',
    'volumeDevices',
    'livenessProbe',
    'readinessProbe',
    'startupProbe',
    'lifecycle',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'imagePullPolicy',
    'securityContext',
    'stdin',
    'stdinOnce',
    'tty',
  ],
  nested: {
    ports: { fields: ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'] },
    env: { fields: ['name', 'value', 'valueFrom'] },
    resources: { fields: ['limits', 'requests', 'claims'], nested: { limits: MAP, requests: MAP } },
  },
};

const POD_SPEC: StructOrder = {
  fields: [
    'volumes',
    'initContainers',
    'containers',
    'ephemeralContainers',
    'restartPolicy',
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
    'dnsPolicy',
    'nodeSelector',
    'serviceAccountName',
    'serviceAccount',
    'automountServiceAccountToken',
    'nodeName',
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'shareProcessNamespace',
    'securityContext',
    'imagePullSecrets',
    'hostname',
    'subdomain',
    'affinity',
    'schedulerName',
    'tolerations',
    'hostAliases',
    'priorityClassName',
    'priority',
    'dnsConfig',
    'readinessGates',
    'runtimeClassName',
    'enableServiceLinks',
    'preemptionPolicy',
    'overhead',
    'topologySpreadConstraints',
    'setHostnameAsFQDN',
    'os',
    'hostUsers',
    'schedulingGates',
    'resourceClaims',
  ],
  nested: { initContainers: CONTAINER, containers: CONTAINER, nodeSelector: MAP },
};

const POD_TEMPLATE_SPEC: StructOrder = { fields: ['metadata', 'spec'], nested: { metadata: OBJECT_META, spec: POD_SPEC } };

const POD_STATUS: StructOrder = {
  fields: [
    'observedGeneration',
    'phase',
    'conditions',
    'message',
    'reason',
    'nominatedNodeName',
    'hostIP',
    'hostIPs',
    'podIP',
    'podIPs',
    'startTime',
    'initContainerStatuses',
    'containerStatuses',
    'qosClass',
    'ephemeralContainerStatuses',
    'resize',
    'resourceClaimStatuses',
  ],
  nested: {
    conditions: { fields: ['type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message'] },
    containerStatuses: { fields: ['name', 'state', 'lastState', 'ready', 'restartCount', 'image', 'imageID', 'containerID', 'started'] },
  },
};

export const POD: StructOrder = topLevel(['spec', 'status'], { spec: POD_SPEC, status: POD_STATUS });

export const DEPLOYMENT: StructOrder = topLevel(['spec', 'status'], {
  spec: {
    fields: ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
    nested: {
      selector: LABEL_SELECTOR,
      template: POD_TEMPLATE_SPEC,
      strategy: { fields: ['type', 'rollingUpdate'], nested: { rollingUpdate: { fields: ['maxUnavailable', 'maxSurge'] } } },
    },
  },
  status: {
    fields: ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas', 'conditions', 'collisionCount'],
    nested: { conditions: { fields: ['type', 'status', 'lastUpdateTime', 'lastTransitionTime', 'reason', 'message'] } },
  },
});

export const REPLICA_SET: StructOrder = topLevel(['spec', 'status'], {
  spec: { fields: ['replicas', 'minReadySeconds', 'selector', 'template'], nested: { selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC } },
  status: {
    fields: ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'terminatingReplicas', 'observedGeneration', 'conditions'],
    nested: { conditions: { fields: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] } },
  },
});

/** batch/v1 Job (served for the job metric provider). */
export const JOB: StructOrder = topLevel(['spec', 'status'], {
  spec: {
    fields: [
      'parallelism',
      'completions',
      'activeDeadlineSeconds',
      'podFailurePolicy',
      'successPolicy',
      'backoffLimit',
      'backoffLimitPerIndex',
      'maxFailedIndexes',
      'selector',
      'manualSelector',
      'template',
      'ttlSecondsAfterFinished',
      'completionMode',
      'suspend',
      'podReplacementPolicy',
      'managedBy',
    ],
    nested: { selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC },
  },
  status: {
    fields: ['conditions', 'startTime', 'completionTime', 'active', 'succeeded', 'failed', 'terminating', 'completedIndexes', 'failedIndexes', 'uncountedTerminatedPods', 'ready'],
    nested: { conditions: { fields: ['type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message'] } },
  },
});

export const SERVICE: StructOrder = topLevel(['spec', 'status'], {
  spec: {
    fields: [
      'ports',
      'selector',
      'clusterIP',
      'clusterIPs',
      'type',
      'externalIPs',
      'sessionAffinity',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'externalName',
      'externalTrafficPolicy',
      'healthCheckNodePort',
      'publishNotReadyAddresses',
      'sessionAffinityConfig',
      'ipFamilies',
      'ipFamilyPolicy',
      'allocateLoadBalancerNodePorts',
      'loadBalancerClass',
      'internalTrafficPolicy',
    ],
    nested: { ports: { fields: ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'] }, selector: MAP },
  },
  status: { fields: ['loadBalancer', 'conditions'] },
});

export const CONFIG_MAP: StructOrder = topLevel(['immutable', 'data', 'binaryData'], { data: MAP, binaryData: MAP });

export const SECRET: StructOrder = topLevel(['immutable', 'data', 'stringData', 'type'], { data: MAP, stringData: MAP });

export const NAMESPACE: StructOrder = topLevel(['spec', 'status'], {
  spec: { fields: ['finalizers'] },
  status: { fields: ['phase', 'conditions'] },
});

const EVENT_SERIES: StructOrder = { fields: ['count', 'lastObservedTime'] };

/** core/v1 Event. */
export const EVENT: StructOrder = topLevel(
  [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'series',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
  ],
  { involvedObject: OBJECT_REFERENCE, related: OBJECT_REFERENCE, source: { fields: ['component', 'host'] }, series: EVENT_SERIES },
);

/** events.k8s.io/v1 Event. */
export const EVENTS_V1_EVENT: StructOrder = topLevel(
  [
    'eventTime',
    'series',
    'reportingController',
    'reportingInstance',
    'action',
    'reason',
    'regarding',
    'related',
    'note',
    'type',
    'deprecatedSource',
    'deprecatedFirstTimestamp',
    'deprecatedLastTimestamp',
    'deprecatedCount',
  ],
  { regarding: OBJECT_REFERENCE, related: OBJECT_REFERENCE, series: EVENT_SERIES, deprecatedSource: { fields: ['component', 'host'] } },
);

export const LEASE: StructOrder = topLevel(['spec'], {
  spec: { fields: ['holderIdentity', 'leaseDurationSeconds', 'acquireTime', 'renewTime', 'leaseTransitions', 'strategy', 'preferredHolder'] },
});

export const INGRESS: StructOrder = topLevel(['spec', 'status'], {
  spec: { fields: ['ingressClassName', 'defaultBackend', 'tls', 'rules'] },
  status: { fields: ['loadBalancer'] },
});

const CRD_NAMES: StructOrder = { fields: ['plural', 'singular', 'shortNames', 'kind', 'listKind', 'categories'] };

export const CUSTOM_RESOURCE_DEFINITION: StructOrder = topLevel(['spec', 'status'], {
  spec: {
    fields: ['group', 'names', 'scope', 'versions', 'conversion', 'preserveUnknownFields'],
    nested: {
      names: CRD_NAMES,
      versions: {
        fields: ['name', 'served', 'storage', 'deprecated', 'deprecationWarning', 'schema', 'subresources', 'additionalPrinterColumns', 'selectableFields'],
        nested: { subresources: { fields: ['status', 'scale'] } },
      },
    },
  },
  status: {
    fields: ['conditions', 'acceptedNames', 'storedVersions'],
    nested: { conditions: { fields: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] }, acceptedNames: CRD_NAMES },
  },
});

/** Kinds with only spec and status (the reviews). */
export const SPEC_AND_STATUS: StructOrder = topLevel(['spec', 'status']);
