// The Slack sink: an incoming-webhook message, `text` as the notification fallback and Block Kit blocks for the body.
import type { NotificationMessage, NotificationSink, SendResult } from '../notification-sink.js';
import { postChatPayload, type SinkRequestOptions } from '../sink-request.js';

/** Block Kit limits: a header's plain text ≤ 150 characters, a section's text ≤ 3000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

export interface SlackPayload {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export class SlackSink implements NotificationSink {
  readonly type = 'slack' as const;

  /** `url` is the incoming-webhook URL read from the Notifier's Secret. */
  constructor(
    private readonly url: string,
    private readonly options: SinkRequestOptions,
  ) {}

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    // Slack answers 200 "ok"; a bad payload or a removed hook answers 4xx (invalid_payload, no_service): not retried.
    return postChatPayload(this.url, slackPayload(message), 'the Slack webhook', this.options, signal);
  }
}

export function slackPayload(message: NotificationMessage): SlackPayload {
  const facts = [`*Rollout* ${message.rollout.namespace}/${message.rollout.name}`, `*Revision* ${message.release.podTemplateHash} (attempt ${message.release.attempt})`];
  if (message.release.commit !== undefined) facts.push(`*Commit* \`${message.release.commit.slice(0, 12)}\``);
  if (message.revert) facts.push(`*Revert* \`${message.revert.commit.slice(0, 12)}\``);
  return {
    text: `${message.title}: ${message.text}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(message.title, HEADER_MAX), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(message.text), SECTION_MAX) } },
      { type: 'context', elements: facts.map((fact) => ({ type: 'mrkdwn', text: escapeMrkdwn(fact) })) },
    ],
  };
}

/** Slack reads `<...>` as links and mentions (`<!channel>`): a metric message must not page a channel. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
