// Structural schemas of Notifier and ClusterNotifier, for their CRDs. "Exactly one sink" is a rule the structural
// schema cannot say; notifier-validation.ts enforces it with a message naming the fields.
import { array, boolean, object, string, type JSONSchemaProps } from './json-schema.js';
import { conditionSchema, labelSelectorSchema, resourceSchema, secretKeySelectorSchema } from './meta-schema.js';
import { NOTIFICATION_EVENTS } from './notifier.js';

const webhook = object(
  {
    url: string({ minLength: 1, description: 'Where the JSON message is POSTed (https; http only to a local receiver when the controller allows it).' }),
    secretRef: { ...secretKeySelectorSchema, description: 'The HMAC-SHA256 key: the body is signed in X-Vane-Signature: sha256=<hex>.' },
  },
  { required: ['url'] },
);

/** Slack and Teams incoming webhooks: the URL is the credential, so it only comes from a Secret. */
const chat = object({ urlSecretRef: secretKeySelectorSchema }, { required: ['urlSecretRef'] });

const github = object(
  {
    tokenSecretRef: secretKeySelectorSchema,
    apiURL: string({ description: 'Defaults to https://api.github.com; GitHub Enterprise: https://HOST/api/v3.' }),
    repository: string({ description: '`owner/name`; defaults to the repository of the released commit.' }),
    commitStatuses: boolean({ description: 'Commit statuses on the released commit and on the revert (default true).' }),
    deployments: boolean({ description: 'A deployment for the released commit, with its statuses (default true).' }),
    environment: string({ description: "The deployment's environment; defaults to the Rollout's namespace." }),
    context: string({ description: 'The commit status context; defaults to vane/<rollout>.' }),
  },
  { required: ['tokenSecretRef'] },
);

const template = object({ title: string(), text: string() });

const specProperties: Record<string, JSONSchemaProps> = {
  selector: { ...labelSelectorSchema, description: 'The Rollouts it covers, by label; absent selects all.' },
  events: array(string({ enum: [...NOTIFICATION_EVENTS] }), { description: 'The transitions it sends; absent sends all.' }),
  suspend: boolean({ description: 'Sends nothing while true; transitions meanwhile are recorded as Skipped.' }),
  webhook,
  slack: chat,
  teams: chat,
  github,
  templates: object(Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, template])), {
    description: 'Replaces the default wording of a transition ({{rollout}}, {{metric}}, ...).',
  }),
};

const status = object({ observedGeneration: { type: 'integer', minimum: 0 }, conditions: array(conditionSchema) });

export const notifierSchema: JSONSchemaProps = resourceSchema({ spec: object(specProperties), status }, ['spec']);

export const clusterNotifierSchema: JSONSchemaProps = resourceSchema(
  {
    spec: object({
      ...specProperties,
      namespaceSelector: { ...labelSelectorSchema, description: 'The namespaces whose Rollouts it covers, by label; absent selects all.' },
    }),
    status,
  },
  ['spec'],
);

/** The sink fields of a spec, exactly one of which must be set. */
export const SINK_FIELDS = ['webhook', 'slack', 'teams', 'github'] as const;
