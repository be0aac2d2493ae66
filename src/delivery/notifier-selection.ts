// Which notifiers hear about a Rollout: a Notifier in the Rollout's namespace whose selector matches it, and a
// ClusterNotifier whose namespaceSelector matches the namespace and whose selector matches the Rollout.
import { selectorMatches } from '../resources/label-selector.js';
import type { LabelSelector } from '../resources/meta.js';
import type { ClusterNotifier, NotificationEvent, Notifier, NotifierSpec } from '../resources/notifier.js';
import { NOTIFICATION_EVENTS } from '../resources/notifier.js';
import type { Rollout } from '../resources/rollout.js';

/** A notifier of either kind, with the id recorded in `notified` and where its Secrets may be read from. */
export interface SelectedNotifier {
  id: string;
  kind: 'Notifier' | 'ClusterNotifier';
  spec: NotifierSpec;
  /** metadata.creationTimestamp: transitions before it are not its to send. */
  createdAt?: string;
  object: Notifier | ClusterNotifier;
}

export function notifierId(notifier: Notifier | ClusterNotifier): string {
  const { namespace, name = '' } = notifier.metadata;
  return notifier.kind === 'ClusterNotifier' || namespace === undefined ? name : `${namespace}/${name}`;
}

/**
 * The notifiers that cover `rollout`. `namespaceLabels` are those of the Rollout's namespace, or undefined when not
 * known (a namespace-scoped controller does not watch Namespaces): a ClusterNotifier with a non-empty
 * namespaceSelector then selects nothing, rather than guessing.
 */
export function notifiersFor(
  rollout: Rollout,
  notifiers: readonly Notifier[],
  clusterNotifiers: readonly ClusterNotifier[],
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): SelectedNotifier[] {
  const namespace = rollout.metadata.namespace;
  const labels = rollout.metadata.labels ?? {};
  const namespaced = notifiers.filter((n) => n.metadata.namespace === namespace && matches(n.spec.selector, labels));
  const cluster = clusterNotifiers.filter((n) => namespaceMatches(n.spec.namespaceSelector, namespaceLabels) && matches(n.spec.selector, labels));
  return [...namespaced, ...cluster].map((object) => ({
    id: notifierId(object),
    kind: object.kind,
    spec: object.spec,
    ...(object.metadata.creationTimestamp !== undefined ? { createdAt: object.metadata.creationTimestamp } : {}),
    object,
  }));
}

export function subscribedEvents(spec: NotifierSpec): readonly NotificationEvent[] {
  return spec.events ?? NOTIFICATION_EVENTS;
}

function matches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  return selector === undefined || selectorMatches(selector, labels);
}

function namespaceMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector === undefined || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) return true;
  return labels !== undefined && selectorMatches(selector, labels);
}
