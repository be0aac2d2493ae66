// Specification of the test receiver itself: it must tell a correctly signed body from a forged or altered one, and
// keep every request, duplicates included, or the end-to-end "exactly once" and "HMAC verified" checks prove nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, webhookSignature, type WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'receiver-test-secret';
let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  await response.text();
  return response.status;
}

describe('the webhook receiver used by the delivery tests', () => {
  it('given a body signed with the shared secret, then the delivery is verified and its headers and message are kept', async () => {
    receiver = await startWebhookReceiver({ secret: SECRET });
    const body = JSON.stringify({ id: 'm-1', event: 'aborted', rollout: { namespace: 'shop', name: 'web' } });
    expect(await post(receiver.url, body, { 'X-Vane-Signature': webhookSignature(SECRET, body), 'X-Vane-Event': 'aborted', 'X-Vane-Delivery': 'm-1' })).toBe(200);
    const [only] = receiver.deliveries();
    expect(only).toMatchObject({ event: 'aborted', id: 'm-1', verified: true, body, method: 'POST', contentType: 'application/json' });
    expect(only?.message?.rollout.name).toBe('web');
  });

  it('given a signature made with another secret, over another body, or none at all, then the delivery is not verified', async () => {
    receiver = await startWebhookReceiver({ secret: SECRET });
    const body = '{"id":"m-2"}';
    await post(receiver.url, body, { 'X-Vane-Signature': webhookSignature('another-secret', body) });
    await post(receiver.url, body, { 'X-Vane-Signature': webhookSignature(SECRET, `${body} `) });
    await post(receiver.url, body, {});
    await post(receiver.url, body, { 'X-Vane-Signature': webhookSignature(SECRET, body).slice(0, -1) });
    expect(receiver.deliveries().map((d) => d.verified)).toEqual([false, false, false, false]);
  });

  it('given the same message twice, then both requests are kept: counting is never deduplicated by the receiver', async () => {
    receiver = await startWebhookReceiver({ secret: SECRET });
    const body = '{"id":"m-3"}';
    const headers = { 'X-Vane-Signature': webhookSignature(SECRET, body), 'X-Vane-Delivery': 'm-3' };
    await post(receiver.url, body, headers);
    await post(receiver.url, body, headers);
    const got = await receiver.waitFor((d) => d.length >= 2, 'two requests', 5_000);
    expect(got.map((d) => d.id)).toEqual(['m-3', 'm-3']);
  });

  it('given a status to answer with, then every request gets it (a sender may be tested against failures)', async () => {
    receiver = await startWebhookReceiver({ secret: SECRET, status: 503 });
    expect(await post(receiver.url, '{}', {})).toBe(503);
  });
});
