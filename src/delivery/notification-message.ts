// One transition of one release, as the message every sink sends: the facts off the record plus its wording.
import { createHash } from 'node:crypto';
import type { NotifierSpec } from '../resources/notifier.js';
import type { RevisionRecord, Rollout } from '../resources/rollout.js';
import { humanDuration, wordingFor, type TemplateFields } from './message-templates.js';
import type { NotificationMessage } from './notification-sink.js';
import type { ReleaseTransition } from './release-transitions.js';

/** Argo's and Vane's default progressDeadlineSeconds. */
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export interface NotificationMessageInput {
  rollout: Rollout;
  record: RevisionRecord;
  transition: ReleaseTransition;
  /** The notifier's key name: `<namespace>/<name>`, or `<name>` for a ClusterNotifier. */
  notifier: string;
  templates?: NotifierSpec['templates'];
}

export function notificationMessage(input: NotificationMessageInput): NotificationMessage {
  const { rollout, record, transition } = input;
  const event = transition.event;
  const namespace = rollout.metadata.namespace ?? 'default';
  const name = rollout.metadata.name ?? '';
  const message: NotificationMessage = {
    id: messageId(input),
    event,
    at: transition.at,
    rollout: { namespace, name, ...(rollout.metadata.uid !== undefined ? { uid: rollout.metadata.uid } : {}) },
    release: {
      podTemplateHash: record.podTemplateHash,
      attempt: record.attempt ?? 1,
      images: [...record.images],
      startedAt: record.startedAt,
      ...(record.source ? { commit: record.source.commit } : {}),
      ...(record.source?.repoURL !== undefined ? { repoURL: record.source.repoURL } : {}),
    },
    title: '',
    text: '',
  };
  // The verdict and revert belong to the messages about the end of a release, not to a late-sent `started`.
  if (record.verdict && ['promoted', 'aborted', 'rolledBack', 'healthy', 'stuck'].includes(event)) {
    const { by, reason, message: detail, metric } = record.verdict;
    message.verdict = { by, reason, ...(detail !== undefined ? { message: detail } : {}), ...(metric ? { metric: { ...metric } } : {}) };
  }
  if (record.revert && (event === 'rolledBack' || event === 'healthy')) {
    message.revert = { commit: record.revert.commit, ...(record.revert.repoURL !== undefined ? { repoURL: record.revert.repoURL } : {}) };
  }
  const pause = event === 'paused' ? record.pauses?.find((candidate) => `paused@${candidate.at}` === transition.key) : undefined;
  if (pause) message.pause = { reason: pause.reason, ...(pause.step !== undefined ? { step: pause.step } : {}) };
  const wording = wordingFor(event, templateFields(message, input), input.templates?.[event]);
  message.title = wording.title;
  message.text = wording.text;
  return message;
}

/**
 * Stable across retries, restarts and leader changes: a hash of what names the transition and its notifier, never
 * of the wording (a template edit must not make receivers see a new delivery).
 */
export function messageId(input: Pick<NotificationMessageInput, 'rollout' | 'record' | 'transition' | 'notifier'>): string {
  const { rollout, record, transition, notifier } = input;
  const subject = rollout.metadata.uid ?? `${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name ?? ''}`;
  const parts = [subject, record.podTemplateHash, String(record.attempt ?? 1), transition.key, notifier];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

function templateFields(message: NotificationMessage, input: NotificationMessageInput): TemplateFields {
  const { record, rollout } = input;
  const commit = message.release.commit ?? '';
  return {
    rollout: message.rollout.name,
    namespace: message.rollout.namespace,
    event: message.event,
    at: message.at,
    revision: message.release.podTemplateHash,
    attempt: String(message.release.attempt),
    images: message.release.images.join(', '),
    commit,
    shortCommit: commit.slice(0, 12),
    repoURL: message.release.repoURL ?? '',
    startedAt: message.release.startedAt,
    by: message.verdict?.by ?? '',
    reason: message.verdict?.reason ?? '',
    message: message.verdict?.message ?? '',
    metric: message.verdict?.metric?.name ?? '',
    value: message.verdict?.metric?.value ?? '',
    analysisRun: message.verdict?.metric?.analysisRun ?? '',
    revertCommit: message.revert?.commit ?? '',
    revertRepoURL: message.revert?.repoURL ?? '',
    pauseReason: message.pause?.reason ?? '',
    step: message.pause?.step !== undefined ? String(message.pause.step) : '',
    deadline: humanDuration((rollout.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000),
    timeToRestore: timeToRestore(record),
  };
}

/** restoredAt − verdict.at, the brief's time to restore; empty until both are known. */
function timeToRestore(record: RevisionRecord): string {
  if (!record.restoredAt || !record.verdict) return '';
  const ms = Date.parse(record.restoredAt) - Date.parse(record.verdict.at);
  return Number.isFinite(ms) ? humanDuration(ms) : '';
}
