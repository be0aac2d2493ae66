// The Microsoft Teams sink: an incoming-webhook message carrying one Adaptive Card.
import type { NotificationMessage, NotificationSink, SendResult } from '../notification-sink.js';
import { postChatPayload, type SinkRequestOptions } from '../sink-request.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface TeamsPayload {
  type: 'message';
  attachments: Array<{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: Record<string, unknown> }>;
}

export class TeamsSink implements NotificationSink {
  readonly type = 'teams' as const;

  /** `url` is the incoming-webhook (or Workflows) URL read from the Notifier's Secret. */
  constructor(
    private readonly url: string,
    private readonly options: SinkRequestOptions,
  ) {}

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    // Connector webhooks answer 200, Workflows webhooks 202: any 2xx is delivered.
    return postChatPayload(this.url, teamsPayload(message), 'the Teams webhook', this.options, signal);
  }
}

export function teamsPayload(message: NotificationMessage): TeamsPayload {
  const facts = [
    { title: 'Rollout', value: `${message.rollout.namespace}/${message.rollout.name}` },
    { title: 'Revision', value: `${message.release.podTemplateHash} (attempt ${message.release.attempt})` },
  ];
  if (message.release.commit !== undefined) facts.push({ title: 'Commit', value: message.release.commit });
  if (message.verdict?.metric) facts.push({ title: 'Metric', value: `${message.verdict.metric.name} = ${message.verdict.metric.value ?? '?'}` });
  if (message.revert) facts.push({ title: 'Revert', value: message.revert.commit });
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' },
            { type: 'TextBlock', text: message.text, wrap: true },
            { type: 'FactSet', facts },
          ],
        },
      },
    ],
  };
}
