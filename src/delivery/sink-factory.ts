// Builds the sink a notifier's spec names (a minimal stand-in until the sinks' own lands: a JSON-POST webhook).
import { VaneError } from '../errors.js';
import type { NotifierSpec } from '../resources/notifier.js';
import type { NotificationMessage, NotificationSink, SendResult } from './notification-sink.js';

export interface SinkSecrets {
  hmacKey?: string;
  url?: string;
  token?: string;
}

/** The sink for `spec`; throws an InvalidSpec VaneError for a spec it cannot send with. */
export function sinkFor(spec: NotifierSpec, _secrets: SinkSecrets, options: { allowLocalUrls: boolean }): NotificationSink {
  if (!spec.webhook) throw new VaneError('InvalidSpec', 'only the webhook sink is available in this build');
  const url = new URL(spec.webhook.url);
  if (!options.allowLocalUrls && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new VaneError('InvalidSpec', `${spec.webhook.url} is a local URL; the controller refuses those unless --allow-local-notification-urls`);
  }
  return { type: 'webhook', send: (message, signal) => post(url, message, signal) };
}

async function post(url: URL, message: NotificationMessage, signal: AbortSignal): Promise<SendResult> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vane-delivery': message.id }, body: JSON.stringify(message), signal });
    if (res.ok) return { ok: true };
    const retryable = res.status >= 500 || res.status === 429;
    return { ok: false, retryable, reason: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, retryable: true, reason: (err as Error).message };
  }
}
