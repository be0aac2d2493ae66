// The apiextensions.k8s.io/v1 CustomResourceDefinitions of Vane's kinds, built from the TypeScript schemas.
import { VaneError } from '../errors.js';
import { analysisRunSchema, analysisTemplateSchema } from './analysis-schema.js';
import { withArgoFieldGaps } from './argo-field-gaps.js';
import { experimentSchema } from './experiment-schema.js';
import type { JSONSchemaProps } from './json-schema.js';
import { GROUP, VERSION } from './meta.js';
import { clusterNotifierSchema, notifierSchema } from './notifier-schema.js';
import { rolloutSchema } from './rollout-schema.js';

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: ScaleSubresource };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: CrdNames;
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
  };
}

export type VaneKind = 'Rollout' | 'AnalysisTemplate' | 'ClusterAnalysisTemplate' | 'AnalysisRun' | 'Experiment' | 'Notifier' | 'ClusterNotifier';

interface CrdInput {
  kind: VaneKind;
  plural: string;
  shortName: string;
  scope: 'Namespaced' | 'Cluster';
  schema: JSONSchemaProps;
  subresources?: CrdVersion['subresources'];
  printerColumns?: PrinterColumn[];
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function crd(input: CrdInput): CustomResourceDefinition {
  const version: CrdVersion = {
    name: VERSION,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: withArgoFieldGaps(input.kind, input.schema) },
    ...(input.subresources === undefined ? {} : { subresources: input.subresources }),
    ...(input.printerColumns === undefined ? {} : { additionalPrinterColumns: input.printerColumns }),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'vane' } },
    spec: {
      group: GROUP,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular: input.kind.toLowerCase(),
        shortNames: [input.shortName],
        categories: ['vane', 'all'],
      },
      scope: input.scope,
      versions: [version],
    },
  };
}

export const rolloutCrd: CustomResourceDefinition = crd({
  kind: 'Rollout',
  plural: 'rollouts',
  shortName: 'ro',
  scope: 'Namespaced',
  schema: rolloutSchema,
  subresources: {
    status: {},
    scale: {
      // Argo's paths: an HPA counts the pods that serve (all of a canary, the active ones of a blue-green).
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.HPAReplicas',
      labelSelectorPath: '.status.selector',
    },
  },
  printerColumns: [
    { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Desired pods' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Ready pods' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Rollout phase' },
    // A printer column shows a field as it is: the zero-based index (vane list shows the step counted from 1).
    { name: 'Step-Index', type: 'integer', jsonPath: '.status.currentStepIndex', description: 'Zero-based index of the current canary step; step 1 is index 0' },
    { name: 'Weight', type: 'integer', jsonPath: '.status.canary.weights.canary', description: 'Canary traffic %' },
    AGE,
  ],
});

export const analysisTemplateCrd: CustomResourceDefinition = crd({
  kind: 'AnalysisTemplate',
  plural: 'analysistemplates',
  shortName: 'at',
  scope: 'Namespaced',
  schema: analysisTemplateSchema,
});

export const clusterAnalysisTemplateCrd: CustomResourceDefinition = crd({
  kind: 'ClusterAnalysisTemplate',
  plural: 'clusteranalysistemplates',
  shortName: 'cat',
  scope: 'Cluster',
  schema: analysisTemplateSchema,
});

export const analysisRunCrd: CustomResourceDefinition = crd({
  kind: 'AnalysisRun',
  plural: 'analysisruns',
  shortName: 'ar',
  scope: 'Namespaced',
  schema: analysisRunSchema,
  subresources: { status: {} },
  printerColumns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Run phase' }, AGE],
});

export const experimentCrd: CustomResourceDefinition = crd({
  kind: 'Experiment',
  plural: 'experiments',
  shortName: 'exp',
  scope: 'Namespaced',
  schema: experimentSchema,
  subresources: { status: {} },
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'Experiment phase' },
    { name: 'Message', type: 'string', jsonPath: '.status.message', priority: 1 },
    AGE,
  ],
});

const NOTIFIER_COLUMNS: PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether the spec is valid' },
  { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspend', priority: 1 },
  AGE,
];

export const notifierCrd: CustomResourceDefinition = crd({
  kind: 'Notifier',
  plural: 'notifiers',
  shortName: 'ntf',
  scope: 'Namespaced',
  schema: notifierSchema,
  subresources: { status: {} },
  printerColumns: NOTIFIER_COLUMNS,
});

export const clusterNotifierCrd: CustomResourceDefinition = crd({
  kind: 'ClusterNotifier',
  plural: 'clusternotifiers',
  shortName: 'cntf',
  scope: 'Cluster',
  schema: clusterNotifierSchema,
  subresources: { status: {} },
  printerColumns: NOTIFIER_COLUMNS,
});

export const vaneCrds: readonly CustomResourceDefinition[] = [
  rolloutCrd,
  analysisTemplateCrd,
  clusterAnalysisTemplateCrd,
  analysisRunCrd,
  experimentCrd,
  notifierCrd,
  clusterNotifierCrd,
];

const OWN_SCHEMAS: Record<VaneKind, JSONSchemaProps> = {
  Rollout: rolloutSchema,
  AnalysisTemplate: analysisTemplateSchema,
  ClusterAnalysisTemplate: analysisTemplateSchema,
  AnalysisRun: analysisRunSchema,
  Experiment: experimentSchema,
  Notifier: notifierSchema,
  ClusterNotifier: clusterNotifierSchema,
};

/** Vane's own schema of `kind`: its CRD's without the Argo fields kept only to be rejected (what the TypeScript types describe). */
export function ownSchemaForKind(kind: VaneKind): JSONSchemaProps {
  return OWN_SCHEMAS[kind];
}

/** The openAPIV3Schema that validates objects of `kind`. */
export function schemaForKind(kind: VaneKind): JSONSchemaProps {
  const found = vaneCrds.find((c) => c.spec.names.kind === kind);
  const version = found?.spec.versions.find((v) => v.storage);
  if (version === undefined) throw new VaneError('Internal', `no CRD for kind ${kind}`);
  return version.schema.openAPIV3Schema;
}
