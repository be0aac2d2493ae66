// The port every notification sink implements (webhook, Slack, Teams, GitHub): one message in, a delivery result out.
import type { NotificationEvent } from '../resources/notifier.js';

/** What a sink is told about one transition of one release; rendered wording included. */
export interface NotificationMessage {
  /** Stable across retries, restarts and leader changes: receivers deduplicate on it (`X-Vane-Delivery`). */
  id: string;
  event: NotificationEvent;
  /** When the transition happened (RFC 3339). */
  at: string;
  rollout: { namespace: string; name: string; uid?: string };
  release: {
    podTemplateHash: string;
    attempt: number;
    images: string[];
    startedAt: string;
    /** The released commit and its repository, when the source is known. */
    commit?: string;
    repoURL?: string;
  };
  /** Who or what decided (promoted, aborted), with the failing metric and its value. */
  verdict?: { by: string; reason: string; message?: string; metric?: { name: string; value?: string; analysisRun: string } };
  /** The revert commit and the remote it was pushed to (rolledBack, healthy). */
  revert?: { commit: string; repoURL?: string };
  /** The pause reason and step (paused). */
  pause?: { reason: string; step?: number };
  title: string;
  text: string;
}

/**
 * A sink's answer. `retryable` failures (5xx, 429, timeouts, refused connections) are tried again with backoff;
 * others (4xx) are given up with the reason, which is recorded and reported as an Event.
 */
export type SendResult = { ok: true; detail?: string } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

export interface NotificationSink {
  readonly type: 'webhook' | 'slack' | 'teams' | 'github';
  /** Never throws: every failure is a SendResult. Gives up when `signal` aborts (the per-try timeout). */
  send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult>;
}
