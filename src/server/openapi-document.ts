// The OpenAPI 3 description of the HTTP API, written by hand and kept honest by a test that compares it with the
// routes the server registers.
import { COMMAND_REASON_MAX_LENGTH } from '../resources/rollout.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });

function errorResponse(description: string): Json {
  return { description, content: json(ref('Error')) };
}

const namespaceParam: Json = { name: 'namespace', in: 'path', required: true, schema: { type: 'string' } };
const nameParam: Json = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };

const AUTH_ERRORS: Json = {
  '401': errorResponse('No bearer token, or the token is not valid.'),
  '403': errorResponse('The caller may not do this (SubjectAccessReview denied).'),
  '429': { ...errorResponse('Too many requests from this subject or this client address, or too many open status streams; see Retry-After.'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
  '503': errorResponse('The cluster could not be asked (authentication, authorization or the write).'),
};

function commandOperation(verb: string, summary: string, body?: Json): Json {
  return {
    post: {
      operationId: `${verb.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())}Rollout`,
      summary,
      description:
        'Writes the command into the Rollout\'s status subresource (status.command); the controller applies it and ' +
        'acknowledges in status.lastCommand with the same id. Requires `update` on `rollouts/status` in the namespace.',
      tags: ['commands'],
      security: [{ bearer: [] }],
      parameters: [namespaceParam, nameParam],
      ...(body ? { requestBody: { required: false, content: json(body) } } : {}),
      responses: {
        '202': { description: 'Command written; poll the Rollout for lastCommand.', content: json(ref('CommandAccepted')) },
        '400': errorResponse('Malformed body; the message names the field.'),
        '404': errorResponse('No such Rollout.'),
        '409': errorResponse('The command does not apply to the Rollout in its current state, or another command is pending.'),
        '413': errorResponse('Body larger than the limit.'),
        ...AUTH_ERRORS,
      },
    },
  };
}

const schemas: Json = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: ['BadRequest', 'InvalidSpec', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'AlreadyExists', 'RateLimited', 'Internal', 'Unavailable', 'Timeout'] },
          message: { type: 'string' },
          requestId: { type: 'string' },
        },
      },
    },
  },
  CommandAccepted: {
    type: 'object',
    required: ['id', 'action'],
    properties: { id: { type: 'string', format: 'uuid' }, action: { type: 'string', enum: ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume', 'rollback-retry'] } },
  },
  RolloutSummary: {
    type: 'object',
    required: ['namespace', 'name', 'strategy', 'stepCount', 'images', 'replicas'],
    properties: {
      namespace: { type: 'string' },
      name: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      generation: { type: 'integer' },
      observedGeneration: { type: 'integer' },
      strategy: { type: 'string', enum: ['canary', 'blueGreen', 'unknown'] },
      phase: { type: 'string', enum: ['Progressing', 'Paused', 'Healthy', 'Degraded'] },
      message: { type: 'string' },
      currentStepIndex: { type: 'integer' },
      stepCount: { type: 'integer' },
      weights: { type: 'object', properties: { canary: { type: 'integer' }, stable: { type: 'integer' } } },
      images: { type: 'array', items: { type: 'string' } },
      replicas: {
        type: 'object',
        properties: { desired: { type: 'integer' }, ready: { type: 'integer' }, updated: { type: 'integer' }, available: { type: 'integer' } },
      },
      pendingCommand: { type: 'object', description: 'status.command when not yet acknowledged.' },
      lastCommand: { type: 'object', description: 'status.lastCommand: the controller\'s acknowledgement.' },
      updatedAt: { type: 'string', format: 'date-time', description: 'The newest condition transition: when the status last changed what it says.' },
      createdAt: { type: 'string', format: 'date-time' },
      stableImages: { type: 'array', items: { type: 'string' }, description: 'The stable revision\'s images, from its release record.' },
    },
  },
  ActionAvailability: {
    type: 'object',
    required: ['allowed'],
    properties: { allowed: { type: 'boolean' }, reason: { type: 'string', description: 'Why not: RBAC, a pending command, or the rollout\'s state.' } },
  },
  RolloutDetail: {
    allOf: [
      ref('RolloutSummary'),
      {
        type: 'object',
        properties: {
          services: { type: 'object', additionalProperties: { type: 'string' } },
          steps: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                index: { type: 'integer' },
                type: { type: 'string' },
                description: { type: 'string' },
                state: { type: 'string', enum: ['done', 'current', 'pending'] },
                weight: { type: 'integer', description: 'A setWeight step\'s weight.' },
                wait: {
                  type: 'object',
                  description: 'The current step only: what it waits for.',
                  properties: {
                    kind: { type: 'string', enum: ['pods', 'pause', 'promotion', 'analysis'] },
                    description: { type: 'string' },
                    until: { type: 'string', format: 'date-time' },
                    analysisRun: { type: 'string' },
                  },
                },
              },
            },
          },
          pauseConditions: { type: 'array', items: { type: 'object' } },
          replicaSets: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                podTemplateHash: { type: 'string' },
                role: { type: 'string', enum: ['stable', 'canary', 'active', 'preview', 'previous', 'old'] },
                desired: { type: 'integer' },
                ready: { type: 'integer' },
                available: { type: 'integer' },
                images: { type: 'array', items: { type: 'string' } },
                createdAt: { type: 'string', format: 'date-time' },
                scaleDownAt: { type: 'string', format: 'date-time' },
              },
            },
          },
          analysisRuns: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                gate: { type: 'string' },
                phase: { type: 'string' },
                message: { type: 'string' },
                metrics: {
                  type: 'array',
                  items: {
                    type: 'object',
                    description: 'Counts by verdict, the measurements kept, the conditions, and a numeric threshold when a condition compares the result with a number.',
                    properties: {
                      name: { type: 'string' },
                      phase: { type: 'string' },
                      measurements: { type: 'array', items: { type: 'object' } },
                      successCondition: { type: 'string' },
                      failureCondition: { type: 'string' },
                      threshold: {
                        type: 'object',
                        properties: { condition: { type: 'string', enum: ['success', 'failure'] }, operator: { type: 'string', enum: ['<', '<=', '>', '>=', '==', '!='] }, value: { type: 'number' } },
                      },
                    },
                  },
                },
              },
            },
          },
          rollback: { type: 'object', description: 'status.rollback: traffic reset and git revert record.' },
          history: { type: 'array', items: { type: 'object' } },
          conditions: { type: 'array', items: { type: 'object' } },
          events: {
            type: 'array',
            items: {
              type: 'object',
              properties: { type: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' }, time: { type: 'string' }, count: { type: 'integer' } },
            },
          },
          weightHistory: {
            type: 'array',
            description: 'The canary weight over the current release, oldest first.',
            items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, canary: { type: 'integer' } } },
          },
          actions: {
            type: 'object',
            description: 'For the caller: whether each command may be sent now (RBAC and the rollout\'s state), and if not, why.',
            properties: Object.fromEntries(['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume'].map((action) => [action, ref('ActionAvailability')])),
          },
        },
      },
    ],
  },
  StreamMessage: {
    type: 'object',
    description: 'The data of one server-sent event.',
    properties: { type: { type: 'string', enum: ['ADDED', 'MODIFIED', 'DELETED'] }, rollout: ref('RolloutSummary') },
  },
};

const streamResponse: Json = {
  description:
    'A text/event-stream: the current state as ADDED events, then a message per status change. The server ends a ' +
    'stream after its lifetime (a comment and a `retry:` hint come first: reconnect), and when the caller\'s ' +
    'authentication or authorization, re-checked on an interval, no longer holds (a `: closing: <why>` comment).',
  content: { 'text/event-stream': { schema: ref('StreamMessage') } },
};

export function openApiDocument(): Json {
  const rolloutPath = '/api/v1/namespaces/{namespace}/rollouts/{name}';
  return {
    openapi: '3.0.3',
    info: {
      title: 'Vane API',
      version: 'v1',
      description: 'Read Rollouts and act on them (promote, abort, retry, pause, resume, rollback-retry) with Kubernetes authentication, RBAC and an audit trail.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths: {
      '/healthz': { get: { operationId: 'healthz', summary: 'Liveness: the process serves requests.', responses: { '200': { description: 'Alive.' } } } },
      '/readyz': {
        get: {
          operationId: 'readyz',
          summary: 'Readiness: caches synced and, with leader election, the leader known.',
          responses: { '200': { description: 'Ready.' }, '503': { description: 'Not ready; the body says why.' } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics. Requires `get` on the non-resource URL `/metrics` (RBAC `nonResourceURLs`).',
          security: [{ bearer: [] }],
          responses: { '200': { description: 'Text exposition format.', content: { 'text/plain': {} } }, '404': { description: 'Metrics are not enabled.' }, ...AUTH_ERRORS },
        },
      },
      '/': {
        get: {
          operationId: 'index',
          summary: 'Where the API is described: this document (`openapi`) and docs/api.md in the Vane repository (`documentation`); where the dashboard is (`dashboard`).',
          responses: {
            '200': {
              description: 'Pointers to the documentation.',
              content: json({
                type: 'object',
                required: ['name', 'documentation', 'openapi', 'dashboard'],
                properties: { name: { type: 'string' }, documentation: { type: 'string' }, openapi: { type: 'string' }, dashboard: { type: 'string', description: 'Where the dashboard is served.' } },
              }),
            },
          },
        },
      },
      '/api/v1/whoami': {
        get: {
          operationId: 'whoAmI',
          summary: 'Who the bearer token is, as authenticated: the user and groups RBAC is asked about.',
          security: [{ bearer: [] }],
          responses: {
            '200': { description: 'The caller.', content: json({ type: 'object', required: ['user', 'groups'], properties: { user: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } } } }) },
            ...AUTH_ERRORS,
          },
        },
      },
      '/api/v1/openapi.json': { get: { operationId: 'openapi', summary: 'This document.', responses: { '200': { description: 'OpenAPI 3 document.' } } } },
      '/api/v1/rollouts': {
        get: {
          operationId: 'listRollouts',
          summary: 'Rollouts in all namespaces, or in one. Requires `list` on `rollouts`.',
          tags: ['rollouts'],
          security: [{ bearer: [] }],
          parameters: [{ name: 'namespace', in: 'query', required: false, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The Rollouts.', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('RolloutSummary') } } }) },
            '400': errorResponse('Bad query.'),
            ...AUTH_ERRORS,
          },
        },
      },
      [rolloutPath]: {
        get: {
          operationId: 'getRollout',
          summary: 'One Rollout: steps, weights, ReplicaSets, analysis, rollback record, recent Events. Requires `get` on `rollouts`.',
          tags: ['rollouts'],
          security: [{ bearer: [] }],
          parameters: [namespaceParam, nameParam],
          responses: { '200': { description: 'The Rollout.', content: json(ref('RolloutDetail')) }, '404': errorResponse('No such Rollout.'), ...AUTH_ERRORS },
        },
      },
      [`${rolloutPath}/promote`]: commandOperation('promote', 'Promote to the next step, or past all steps with {"full": true}.', {
        type: 'object',
        additionalProperties: false,
        properties: { full: { type: 'boolean', description: 'Skip the remaining steps and analysis.' } },
      }),
      [`${rolloutPath}/abort`]: commandOperation('abort', 'Abort: traffic back to stable, then roll back; {"reason": "..."} says why.', {
        type: 'object',
        additionalProperties: false,
        properties: { reason: { type: 'string', maxLength: COMMAND_REASON_MAX_LENGTH, description: 'Why, in your words: kept in status.command, the abort message, its Event and the audit log.' } },
      }),
      [`${rolloutPath}/retry`]: commandOperation('retry', 'Retry an aborted rollout from the first step.'),
      [`${rolloutPath}/pause`]: commandOperation('pause', 'Pause where the rollout is.'),
      [`${rolloutPath}/resume`]: commandOperation('resume', 'Resume a paused rollout.'),
      [`${rolloutPath}/rollback-retry`]: commandOperation('rollback-retry', 'Queue the git rollback of an aborted release again, after it failed (or while it waits to retry).'),
      '/api/v1/watch': {
        get: {
          operationId: 'watchRollouts',
          summary: 'Server-sent events of status changes of all Rollouts, or of one namespace. Requires `list` on `rollouts`.',
          tags: ['rollouts'],
          security: [{ bearer: [] }],
          parameters: [{ name: 'namespace', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '200': streamResponse, '400': errorResponse('Bad query.'), ...AUTH_ERRORS },
        },
      },
      [`${rolloutPath}/watch`]: {
        get: {
          operationId: 'watchRollout',
          summary: 'Server-sent events of one Rollout\'s status changes. Requires `get` on `rollouts`.',
          tags: ['rollouts'],
          security: [{ bearer: [] }],
          parameters: [namespaceParam, nameParam],
          responses: { '200': streamResponse, '404': errorResponse('No such Rollout.'), ...AUTH_ERRORS },
        },
      },
    },
  };
}
