// The generic webhook sink: the message as JSON, signed with HMAC-SHA256 when the Notifier names a key.
import { createHmac } from 'node:crypto';
import type { NotificationMessage, NotificationSink, SendResult } from '../notification-sink.js';
import { sinkRequest, type SinkRequestOptions } from '../sink-request.js';

export interface WebhookSinkConfig {
  url: string;
  hmacKey?: string;
}

export class WebhookSink implements NotificationSink {
  readonly type = 'webhook' as const;

  constructor(
    private readonly config: WebhookSinkConfig,
    private readonly options: SinkRequestOptions,
  ) {}

  async send(message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
    const body = JSON.stringify(message);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'vane-notifications',
      'x-vane-event': message.event,
      'x-vane-delivery': message.id,
    };
    if (this.config.hmacKey !== undefined) headers['x-vane-signature'] = webhookSignature(this.config.hmacKey, body);
    const response = await sinkRequest({ method: 'POST', url: this.config.url, headers, body, label: `the webhook at ${originOf(this.config.url)}` }, this.options, signal);
    return response.ok ? { ok: true, detail: `HTTP ${response.status}` } : response;
  }
}

/** `sha256=<hex>` of the exact body bytes, as GitHub signs its webhooks: receivers recompute it over the raw body. */
export function webhookSignature(key: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

/** The receiver named in reasons without its path and query, which may carry a token. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}
