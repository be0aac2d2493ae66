// What one Rollout's notifications need now, decided from its records alone: for each transition of each release and
// each notifier subscribed to it, nothing (already in `notified`), Skipped with why, or a message to send.
import type { RevisionRecord, Rollout } from '../resources/rollout.js';
import { isMuted } from './rollout-mute.js';
import { subscribedEvents, type SelectedNotifier } from './notifier-selection.js';
import { notificationKey, releaseTransitions, type ReleaseTransition } from './release-transitions.js';

export interface Delivery {
  /** The record's release: with startedAt, how the record is found again in a live read. */
  release: { podTemplateHash: string; attempt: number; startedAt: string };
  record: RevisionRecord;
  transition: ReleaseTransition;
  notifier: SelectedNotifier;
  /** notificationKey(transition, notifier.id): what `notified` records. */
  key: string;
}

export type PlannedDelivery = (Delivery & { action: 'send' }) | (Delivery & { action: 'skip'; reason: string }) | (Delivery & { action: 'wait'; until: number });

/**
 * A GitHub notifier marks the released commit, which the release source queue finds a moment after the release
 * starts: its messages wait for it this long (the record's update wakes the outbox), then go without.
 */
export const COMMIT_WAIT_MS = 10 * 60_000;

/** Transitions older than this are recorded Skipped: an upgrade, a new notifier or a long outage does not flood. */
export const DEFAULT_MAX_AGE_MS = 60 * 60_000;

export function planDeliveries(rollout: Rollout, notifiers: readonly SelectedNotifier[], now: number, maxAgeMs = DEFAULT_MAX_AGE_MS): PlannedDelivery[] {
  const muted = isMuted(rollout.metadata.annotations, now);
  const planned: PlannedDelivery[] = [];
  for (const record of rollout.status?.history ?? []) {
    const done = new Set((record.notified ?? []).map((n) => n.key));
    const release = { podTemplateHash: record.podTemplateHash, attempt: record.attempt ?? 1, startedAt: record.startedAt };
    for (const transition of releaseTransitions(record)) {
      for (const notifier of notifiers) {
        if (!subscribedEvents(notifier.spec).includes(transition.event)) continue;
        const key = notificationKey(transition, notifier.id);
        if (done.has(key)) continue;
        const delivery: Delivery = { release, record, transition, notifier, key };
        const reason = skipReason(transition, notifier, muted, now, maxAgeMs);
        const waitUntil = Date.parse(record.startedAt) + COMMIT_WAIT_MS;
        if (reason !== undefined) planned.push({ ...delivery, action: 'skip', reason });
        else if (notifier.spec.github && record.source === undefined && now < waitUntil) planned.push({ ...delivery, action: 'wait', until: waitUntil });
        else planned.push({ ...delivery, action: 'send' });
      }
    }
  }
  return planned;
}

function skipReason(transition: ReleaseTransition, notifier: SelectedNotifier, muted: boolean, now: number, maxAgeMs: number): string | undefined {
  if (muted) return 'the Rollout is muted';
  if (notifier.spec.suspend === true) return `${notifier.kind} ${notifier.id} is suspended`;
  const at = Date.parse(transition.at);
  if (notifier.createdAt !== undefined && at < Date.parse(notifier.createdAt)) return `the transition predates ${notifier.kind} ${notifier.id}`;
  if (now - at > maxAgeMs) return `the transition is older than ${Math.round(maxAgeMs / 60_000)} minutes`;
  return undefined;
}
