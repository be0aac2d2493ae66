// The Experiment's OpenAPI v3 structural schema: the one source of truth for crds/experiment.yaml.
import { array, boolean, duration, int32, integer, object, objectName, opaqueObject, string, type JSONSchemaProps } from './json-schema.js';
import { conditionSchema, labelSelectorSchema, podTemplateSchema, resourceSchema, secretKeySelectorSchema, stringMap, timestamp } from './meta-schema.js';

const phase = string({ enum: ['Pending', 'Running', 'Successful', 'Failed', 'Error', 'Inconclusive'] });

const template = object(
  {
    name: objectName('dns1123Label', { description: 'Part of the ReplicaSet name: <experiment>-<name>-<hash>.' }),
    replicas: int32({ description: 'Pods of this template; defaults to 1.' }),
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    minReadySeconds: int32({ minimum: 0, description: "The ReplicaSet's minReadySeconds." }),
    service: object({ name: objectName('dns1035Label', { description: "Defaults to the ReplicaSet's name." }) }, { description: "A Service selecting the template's pods while they run." }),
  },
  { required: ['name', 'selector', 'template'] },
);

const argument = object(
  {
    name: string(),
    value: string({ description: 'May name a template\'s hash: {{templates.<name>.podTemplateHash}}.' }),
    valueFrom: object({ secretKeyRef: secretKeySelectorSchema }, { required: ['secretKeyRef'] }),
  },
  { required: ['name'] },
);

const analysis = object(
  {
    name: objectName('dns1123Label', { description: 'Part of the AnalysisRun name: <experiment>-<name>.' }),
    templateName: objectName('dns1123Subdomain'),
    clusterScope: boolean(),
    args: array(argument),
    requiredForCompletion: boolean({ description: 'The experiment does not end before this analysis has finished.' }),
  },
  { required: ['name', 'templateName'] },
);

const experimentSpec = object(
  {
    templates: array(template, { minItems: 1 }),
    duration: duration({ description: 'Counted from the moment every template is available; absent: until required analyses finish.' }),
    analyses: array(analysis),
    progressDeadlineSeconds: int32({ minimum: 1, description: 'Seconds a template may take to become available; defaults to 600.' }),
    scaleDownDelaySeconds: int32({ description: 'Seconds the ReplicaSets stay up after the experiment ends; defaults to 30.' }),
    dryRun: array(object({ metricName: string() }, { required: ['metricName'] })),
    measurementRetention: array(object({ metricName: string(), limit: int32({ minimum: 1 }) }, { required: ['metricName', 'limit'] })),
    analysisRunMetadata: object({ labels: stringMap, annotations: stringMap }, { description: 'Labels and annotations put on its AnalysisRuns.' }),
    terminate: boolean({ description: 'Ends the experiment now.' }),
  },
  { required: ['templates'] },
);

const experimentStatus = object({
  phase,
  message: string(),
  availableAt: timestamp,
  templateStatuses: array(
    object(
      {
        name: string(),
        podTemplateHash: string(),
        replicas: integer(),
        updatedReplicas: integer(),
        readyReplicas: integer(),
        availableReplicas: integer(),
        status: string({ enum: ['Progressing', 'Running', 'Successful', 'Failed', 'Error'] }),
        message: string(),
        lastTransitionTime: timestamp,
        serviceName: string(),
      },
      { required: ['name', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'status'] },
    ),
  ),
  analysisRuns: array(object({ name: string(), analysisRun: string(), phase, message: string() }, { required: ['name', 'phase'] })),
  conditions: array(conditionSchema),
  machine: opaqueObject({ description: "The experiment machine's persisted snapshot." }),
});

export const experimentSchema: JSONSchemaProps = resourceSchema({ spec: experimentSpec, status: experimentStatus }, ['spec']);
