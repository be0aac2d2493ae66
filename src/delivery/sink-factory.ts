// The one place a Notifier's spec and its Secrets become a sink: exactly one of webhook, slack, teams, github.
import { VaneError } from '../errors.js';
import type { NotifierSpec } from '../resources/notifier.js';
import type { NotificationSink } from './notification-sink.js';
import { GitHubSink } from './sinks/github-sink.js';
import { SlackSink } from './sinks/slack-sink.js';
import { TeamsSink } from './sinks/teams-sink.js';
import { WebhookSink } from './sinks/webhook-sink.js';

/** Values read from the Secrets the spec references: the webhook's HMAC key, a Slack/Teams URL, a GitHub token. */
export interface SinkSecrets {
  hmacKey?: string;
  url?: string;
  token?: string;
}

export interface SinkOptions {
  /** --allow-local-notification-urls: loopback, link-local and private hosts may be sent to. */
  allowLocalUrls: boolean;
}

const SINK_FIELDS = ['webhook', 'slack', 'teams', 'github'] as const;

/** Throws InvalidSpec for a spec with no sink or several, and for a Secret value the sink needs but was not given. */
export function sinkFor(spec: NotifierSpec, secrets: SinkSecrets, options: SinkOptions): NotificationSink {
  const present = SINK_FIELDS.filter((field) => spec[field] !== undefined);
  if (present.length === 0) throw new VaneError('InvalidSpec', 'the notifier names no sink: set exactly one of spec.webhook, spec.slack, spec.teams, spec.github');
  if (present.length > 1) throw new VaneError('InvalidSpec', `the notifier names ${present.length} sinks (${present.map((field) => `spec.${field}`).join(', ')}); set exactly one`);
  const requestOptions = { allowLocalUrls: options.allowLocalUrls };
  if (spec.webhook) {
    if (spec.webhook.secretRef && nonEmpty(secrets.hmacKey) === undefined) {
      throw missingSecret('spec.webhook.secretRef', spec.webhook.secretRef, 'the HMAC key');
    }
    const hmacKey = nonEmpty(secrets.hmacKey);
    return new WebhookSink({ url: spec.webhook.url, ...(hmacKey !== undefined ? { hmacKey } : {}) }, requestOptions);
  }
  if (spec.slack) return new SlackSink(requireSecret(secrets.url, 'spec.slack.urlSecretRef', spec.slack.urlSecretRef, 'the Slack webhook URL'), requestOptions);
  if (spec.teams) return new TeamsSink(requireSecret(secrets.url, 'spec.teams.urlSecretRef', spec.teams.urlSecretRef, 'the Teams webhook URL'), requestOptions);
  const github = spec.github;
  if (!github) throw new VaneError('Internal', 'unreachable: no sink after the count');
  if (github.commitStatuses === false && github.deployments === false) {
    throw new VaneError('InvalidSpec', 'spec.github turns off both commitStatuses and deployments: it would send nothing');
  }
  if (github.repository !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(github.repository)) {
    throw new VaneError('InvalidSpec', `spec.github.repository must be "owner/name", got ${JSON.stringify(github.repository)}`);
  }
  const token = requireSecret(secrets.token, 'spec.github.tokenSecretRef', github.tokenSecretRef, 'the GitHub token');
  return new GitHubSink(
    {
      token,
      ...(github.apiURL !== undefined ? { apiURL: github.apiURL } : {}),
      ...(github.repository !== undefined ? { repository: github.repository } : {}),
      ...(github.commitStatuses !== undefined ? { commitStatuses: github.commitStatuses } : {}),
      ...(github.deployments !== undefined ? { deployments: github.deployments } : {}),
      ...(github.environment !== undefined ? { environment: github.environment } : {}),
      ...(github.context !== undefined ? { context: github.context } : {}),
    },
    requestOptions,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function requireSecret(value: string | undefined, field: string, ref: { name: string; key: string }, what: string): string {
  const present = nonEmpty(value);
  if (present === undefined) throw missingSecret(field, ref, what);
  return present.trim();
}

function missingSecret(field: string, ref: { name: string; key: string }, what: string): VaneError {
  return new VaneError('InvalidSpec', `${field}: ${what} is missing: Secret "${ref.name}" has no value under key "${ref.key}"`);
}
