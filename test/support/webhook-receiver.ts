// A local HTTP receiver playing the team's webhook endpoint: it records every request raw (no deduplication) and
// checks each body's `X-Vane-Signature: sha256=<hex HMAC-SHA256 of body>` with node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationMessage } from '../../src/delivery/notification-sink.js';

/** One request as it arrived: headers, the raw body, and whether its signature matched the shared secret. */
export interface WebhookDelivery {
  /** `X-Vane-Event`. */
  event: string | undefined;
  /** `X-Vane-Delivery`: the message id, stable across retries. */
  id: string | undefined;
  signature: string | undefined;
  /** True only when the signature is the HMAC-SHA256 of exactly these bytes with the secret. */
  verified: boolean;
  body: string;
  /** The body parsed, or undefined when it is not JSON. */
  message: NotificationMessage | undefined;
  method: string;
  contentType: string | undefined;
  /** Epoch ms when the body had fully arrived. */
  receivedAt: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`: what a Notifier's spec.webhook.url names. */
  readonly url: string;
  /** Every request so far, in arrival order; duplicates included. */
  deliveries(): WebhookDelivery[];
  /** Resolves once `done(deliveries)` holds; rejects with what arrived when it does not within `timeoutMs`. */
  waitFor(done: (deliveries: WebhookDelivery[]) => boolean, what: string, timeoutMs?: number): Promise<WebhookDelivery[]>;
  stop(): Promise<void>;
}

export interface WebhookReceiverOptions {
  /** The HMAC key the Notifier's secretRef names. */
  secret: string;
  /** The status the receiver answers with (200 by default). */
  status?: number;
}

/** `sha256=<hex>` of `body` under `secret`: the header a correct sender writes. */
export function webhookSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time comparison of the header with the expected signature; a missing or malformed header fails. */
export function verifyWebhookSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(webhookSignature(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const received: WebhookDelivery[] = [];
  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        received.push(delivery(req, raw, options.secret));
        res.writeHead(options.status ?? 200, { 'content-type': 'text/plain' }).end('ok\n');
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    deliveries: () => [...received],
    async waitFor(done, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done([...received])) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: timed out waiting for ${what}; got ${describeDeliveries(received)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return [...received];
    },
    stop: () => closeServer(server),
  };
}

function delivery(req: IncomingMessage, raw: Buffer, secret: string): WebhookDelivery {
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const signature = header('x-vane-signature');
  const body = raw.toString('utf8');
  return {
    event: header('x-vane-event'),
    id: header('x-vane-delivery'),
    signature,
    verified: verifyWebhookSignature(secret, raw, signature),
    body,
    message: parsed(body),
    method: req.method ?? '',
    contentType: header('content-type'),
    receivedAt: Date.now(),
  };
}

function parsed(body: string): NotificationMessage | undefined {
  try {
    return JSON.parse(body) as NotificationMessage;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What arrived, for a failure message: `event id (rollout)` per request. */
export function describeDeliveries(deliveries: readonly WebhookDelivery[]): string {
  if (deliveries.length === 0) return 'nothing';
  return deliveries.map((d) => `${d.event ?? '?'} ${d.id ?? '?'} (${d.message?.rollout.name ?? '?'}${d.verified ? '' : ', signature NOT verified'})`).join('; ');
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}
