// The Kubernetes resources Vane reads or writes: how each is addressed on the API (group, version, plural, scope).

export interface ResourceKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function kind(apiVersion: string, kindName: string, plural: string, namespaced = true): ResourceKind {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return { group, version, kind: kindName, plural, namespaced };
}

export const Kinds = {
  Rollout: kind('vane.dev/v1alpha1', 'Rollout', 'rollouts'),
  AnalysisRun: kind('vane.dev/v1alpha1', 'AnalysisRun', 'analysisruns'),
  AnalysisTemplate: kind('vane.dev/v1alpha1', 'AnalysisTemplate', 'analysistemplates'),
  ClusterAnalysisTemplate: kind('vane.dev/v1alpha1', 'ClusterAnalysisTemplate', 'clusteranalysistemplates', false),
  Experiment: kind('vane.dev/v1alpha1', 'Experiment', 'experiments'),
  Notifier: kind('vane.dev/v1alpha1', 'Notifier', 'notifiers'),
  ClusterNotifier: kind('vane.dev/v1alpha1', 'ClusterNotifier', 'clusternotifiers', false),
  ReplicaSet: kind('apps/v1', 'ReplicaSet', 'replicasets'),
  Deployment: kind('apps/v1', 'Deployment', 'deployments'),
  Job: kind('batch/v1', 'Job', 'jobs'),
  Pod: kind('v1', 'Pod', 'pods'),
  Service: kind('v1', 'Service', 'services'),
  Secret: kind('v1', 'Secret', 'secrets'),
  ConfigMap: kind('v1', 'ConfigMap', 'configmaps'),
  Namespace: kind('v1', 'Namespace', 'namespaces', false),
  CustomResourceDefinition: kind('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  Event: kind('events.k8s.io/v1', 'Event', 'events'),
  Lease: kind('coordination.k8s.io/v1', 'Lease', 'leases'),
  Ingress: kind('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  HTTPRoute: kind('gateway.networking.k8s.io/v1', 'HTTPRoute', 'httproutes'),
  VirtualService: kind('networking.istio.io/v1alpha3', 'VirtualService', 'virtualservices'),
  DestinationRule: kind('networking.istio.io/v1alpha3', 'DestinationRule', 'destinationrules'),
  TrafficSplit: kind('split.smi-spec.io/v1alpha4', 'TrafficSplit', 'trafficsplits'),
  ApisixRoute: kind('apisix.apache.org/v2', 'ApisixRoute', 'apisixroutes'),
  AppMeshVirtualService: kind('appmesh.k8s.aws/v1beta2', 'VirtualService', 'virtualservices'),
  VirtualRouter: kind('appmesh.k8s.aws/v1beta2', 'VirtualRouter', 'virtualrouters'),
  VirtualNode: kind('appmesh.k8s.aws/v1beta2', 'VirtualNode', 'virtualnodes'),
  /** Traefik v3's API group; v2 served the same kind as traefik.containo.us (TraefikServiceV2). */
  TraefikService: kind('traefik.io/v1alpha1', 'TraefikService', 'traefikservices'),
  TraefikServiceV2: kind('traefik.containo.us/v1alpha1', 'TraefikService', 'traefikservices'),
  /** getambassador.io/v2, the version Argo Rollouts drives by default (its --ambassador-api-version). */
  AmbassadorMapping: kind('getambassador.io/v2', 'Mapping', 'mappings'),
  TokenReview: kind('authentication.k8s.io/v1', 'TokenReview', 'tokenreviews', false),
  SubjectAccessReview: kind('authorization.k8s.io/v1', 'SubjectAccessReview', 'subjectaccessreviews', false),
  ArgoApplication: kind('argoproj.io/v1alpha1', 'Application', 'applications'),
  FluxKustomization: kind('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'kustomizations'),
  FluxGitRepository: kind('source.toolkit.fluxcd.io/v1', 'GitRepository', 'gitrepositories'),
} as const satisfies Record<string, ResourceKind>;

export function apiVersionOf(k: ResourceKind): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** The collection path: `/apis/apps/v1/namespaces/ns/replicasets`, or cluster-wide when `namespace` is absent. */
export function collectionPath(k: ResourceKind, namespace?: string): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return k.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}` : `${base}/${k.plural}`;
}

export function objectPath(k: ResourceKind, namespace: string | undefined, name: string, subresource?: string): string {
  const path = `${collectionPath(k, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}
