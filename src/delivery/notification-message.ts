// The message a sink is given for one transition of one release (a minimal stand-in until the sinks' own lands).
import { createHash } from 'node:crypto';
import type { Rollout, RevisionRecord } from '../resources/rollout.js';
import type { MessageTemplate, NotificationEvent } from '../resources/notifier.js';
import type { NotificationMessage } from './notification-sink.js';
import type { ReleaseTransition } from './release-transitions.js';

export interface MessageInput {
  rollout: Rollout;
  record: RevisionRecord;
  transition: ReleaseTransition;
  /** The notifier's id (`<namespace>/<name>`, or `<name>` cluster-wide). */
  notifier: string;
  templates?: Partial<Record<NotificationEvent, MessageTemplate>>;
}

/** The message for `transition`; its id is stable for (Rollout, release, transition, notifier). */
export function notificationMessage({ rollout, record, transition, notifier, templates }: MessageInput): NotificationMessage {
  const { namespace = 'default', name = '', uid } = rollout.metadata;
  const attempt = record.attempt ?? 1;
  const id = createHash('sha256').update([uid ?? `${namespace}/${name}`, record.podTemplateHash, attempt, transition.key, notifier].join('\n')).digest('hex').slice(0, 32);
  const title = templates?.[transition.event]?.title ?? `${namespace}/${name}: ${transition.event}`;
  return {
    id,
    event: transition.event,
    at: transition.at,
    rollout: { namespace, name, ...(uid !== undefined ? { uid } : {}) },
    release: { podTemplateHash: record.podTemplateHash, attempt, images: record.images, startedAt: record.startedAt },
    title,
    text: templates?.[transition.event]?.text ?? title,
  };
}
