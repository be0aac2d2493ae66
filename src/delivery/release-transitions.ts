// The transitions of one release, read off its record in status.history: what notifications are about.
import type { NotificationEvent } from '../resources/notifier.js';
import type { RevisionRecord } from '../resources/rollout.js';

export interface ReleaseTransition {
  event: NotificationEvent;
  /** Unique within the release: the event, and for a pause its time (a release may pause more than once). */
  key: string;
  at: string;
}

/** Every transition the record shows so far, in the order they happened. */
export function releaseTransitions(record: RevisionRecord): ReleaseTransition[] {
  const transitions: ReleaseTransition[] = [{ event: 'started', key: 'started', at: record.startedAt }];
  for (const pause of record.pauses ?? []) transitions.push({ event: 'paused', key: `paused@${pause.at}`, at: pause.at });
  if (record.stuckAt) transitions.push({ event: 'stuck', key: 'stuck', at: record.stuckAt });
  if (record.verdict && record.outcome === 'Promoted') transitions.push({ event: 'promoted', key: 'promoted', at: record.verdict.at });
  if (record.verdict && record.outcome === 'Aborted') transitions.push({ event: 'aborted', key: 'aborted', at: record.verdict.at });
  if (record.revert) transitions.push({ event: 'rolledBack', key: 'rolledBack', at: record.revert.at });
  if (record.restoredAt) transitions.push({ event: 'healthy', key: 'healthy', at: record.restoredAt });
  return transitions.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The key recorded in `notified` for a transition sent by a notifier (`<namespace>/<name>`, or `<name>` cluster-wide). */
export function notificationKey(transition: ReleaseTransition, notifier: string): string {
  return `${transition.key}/${notifier}`;
}
