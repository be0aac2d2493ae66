// The Notifier and ClusterNotifier resources: who hears about a Rollout's releases, through which sink (docs/notifications.md).
import type { LabelSelector, ObjectMeta, SecretKeySelector } from './meta.js';

/** The release transitions a notifier can subscribe to. */
export const NOTIFICATION_EVENTS = ['started', 'paused', 'promoted', 'aborted', 'rolledBack', 'healthy', 'stuck'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** A Rollout annotation: `"true"` mutes every notification about it; an RFC 3339 time mutes until then. */
export const MUTE_ANNOTATION = 'notifications.vane.dev/mute';

export interface Notifier {
  apiVersion: 'vane.dev/v1alpha1';
  kind: 'Notifier';
  metadata: ObjectMeta;
  spec: NotifierSpec;
  status?: NotifierStatus;
}

/** Cluster-scoped: written by cluster admins, for Rollouts in the namespaces its namespaceSelector picks. */
export interface ClusterNotifier {
  apiVersion: 'vane.dev/v1alpha1';
  kind: 'ClusterNotifier';
  metadata: ObjectMeta;
  spec: NotifierSpec & { namespaceSelector?: LabelSelector };
  status?: NotifierStatus;
}

/** Exactly one sink: webhook, slack, teams or github. */
export interface NotifierSpec {
  /** The Rollouts it covers, by label; absent selects all (in its namespace, for a Notifier). */
  selector?: LabelSelector;
  /** The transitions it sends; absent sends all of NOTIFICATION_EVENTS. */
  events?: NotificationEvent[];
  /** Sends nothing while true; transitions that happen meanwhile are recorded as Skipped. */
  suspend?: boolean;
  webhook?: WebhookSink;
  slack?: ChatSink;
  teams?: ChatSink;
  github?: GitHubSink;
  /** Replaces the default wording of a transition's message (Go-template-free: `{{rollout}}`, `{{metric}}`, ...). */
  templates?: Partial<Record<NotificationEvent, MessageTemplate>>;
}

export interface MessageTemplate {
  title?: string;
  text?: string;
}

export interface WebhookSink {
  url: string;
  /** The HMAC-SHA256 key: the body is signed in the `X-Vane-Signature: sha256=<hex>` header. */
  secretRef?: SecretKeySelector;
}

/** Slack or Microsoft Teams incoming webhook: the URL is a credential, so it only comes from a Secret. */
export interface ChatSink {
  urlSecretRef: SecretKeySelector;
}

export interface GitHubSink {
  /** A token allowed `repo:status` and `repo_deployment` on the repository. */
  tokenSecretRef: SecretKeySelector;
  /** Defaults to https://api.github.com; GitHub Enterprise: https://HOST/api/v3. */
  apiURL?: string;
  /** `owner/name`; defaults to the repository of the released commit. */
  repository?: string;
  /** Commit statuses on the released commit and on the revert (default true). */
  commitStatuses?: boolean;
  /** A deployment for the released commit, with its statuses (default true). */
  deployments?: boolean;
  /** The deployment's environment; defaults to the Rollout's namespace. */
  environment?: string;
  /** The commit status context; defaults to `vane/<rollout>`. */
  context?: string;
}

export interface NotifierStatus {
  observedGeneration?: number;
  conditions?: Array<{ type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string; lastTransitionTime: string }>;
}
