// Per-sink specifics: the webhook's headers and HMAC, the Slack and Teams payload shapes, GitHub's requests.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { notificationMessage } from '../../src/delivery/notification-message.js';
import type { NotificationMessage } from '../../src/delivery/notification-sink.js';
import { releaseTransitions } from '../../src/delivery/release-transitions.js';
import { GitHubSink, repositoryOf } from '../../src/delivery/sinks/github-sink.js';
import { slackPayload, SlackSink } from '../../src/delivery/sinks/slack-sink.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, TeamsSink } from '../../src/delivery/sinks/teams-sink.js';
import { WebhookSink } from '../../src/delivery/sinks/webhook-sink.js';
import type { NotificationEvent } from '../../src/resources/notifier.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { startGitHubApiReceiver, type GitHubApiReceiver } from '../support/github-api-receiver.js';
import { startHttpReceiver, type HttpReceiver } from './support/http-receiver.js';
import { abortedRecord, promotedRecord, RELEASED_COMMIT, REVERT_COMMIT, shopRollout } from './support/release-fixtures.js';

const LOCAL = { allowLocalUrls: true };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function receiver(ok = { status: 200, body: 'ok' }): Promise<HttpReceiver> {
  const started = await startHttpReceiver(ok);
  closers.push(() => started.close());
  return started;
}

function messageOf(record: RevisionRecord, event: NotificationEvent): NotificationMessage {
  const transition = releaseTransitions(record).find((t) => t.event === event);
  if (!transition) throw new Error(`no ${event} in the fixture`);
  return notificationMessage({ rollout: shopRollout(), record, transition, notifier: 'shop/n' });
}

describe('the webhook sink', () => {
  it('posts the message as JSON with the event, delivery id and a signature the receiver verifies with node:crypto', async () => {
    const hook = await receiver({ status: 204, body: '' });
    const message = messageOf(abortedRecord(), 'aborted');
    expect(await new WebhookSink({ url: `${hook.url}/in`, hmacKey: 's3cret' }, LOCAL).send(message, AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    const [request] = hook.requests;
    if (!request) throw new Error('nothing received');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-vane-event']).toBe('aborted');
    expect(request.headers['x-vane-delivery']).toBe(message.id);
    const expected = Buffer.from(`sha256=${createHmac('sha256', 's3cret').update(request.raw).digest('hex')}`);
    const signature = Buffer.from(String(request.headers['x-vane-signature']));
    expect(signature.length === expected.length && timingSafeEqual(signature, expected)).toBe(true);
    const forged = Buffer.from(`sha256=${createHmac('sha256', 'other').update(request.raw).digest('hex')}`);
    expect(timingSafeEqual(signature, forged)).toBe(false);
    expect(JSON.parse(request.raw)).toEqual(message);
  });

  it('sends no signature header without a key', async () => {
    const hook = await receiver({ status: 204, body: '' });
    await new WebhookSink({ url: hook.url }, LOCAL).send(messageOf(promotedRecord(), 'promoted'), AbortSignal.timeout(5000));
    expect(hook.requests[0]?.headers['x-vane-signature']).toBeUndefined();
  });
});

describe('the Slack sink', () => {
  it('posts a text fallback and header, section and context blocks', async () => {
    const hook = await receiver();
    const message = messageOf(abortedRecord(), 'aborted');
    expect(await new SlackSink(`${hook.url}/services/T/B/X`, LOCAL).send(message, AbortSignal.timeout(5000))).toEqual({ ok: true, detail: 'HTTP 200' });
    const payload = JSON.parse(hook.requests[0]?.raw ?? '{}') as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: unknown[] }> };
    expect(payload.text).toBe(`${message.title}: ${message.text}`);
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context']);
    expect(payload.blocks[0]?.text).toEqual({ type: 'plain_text', text: message.title, emoji: true });
    expect(payload.blocks[1]?.text?.type).toBe('mrkdwn');
    expect(payload.blocks[1]?.text?.text).toContain('error-rate measured 0.127');
    expect(JSON.stringify(payload.blocks[2]?.elements)).toContain(RELEASED_COMMIT.slice(0, 12));
  });

  it('escapes <, > and & so a message cannot mention a channel, and keeps the header within 150 characters', () => {
    const message = { ...messageOf(abortedRecord(), 'aborted'), text: 'value <!channel> & more', title: 'x'.repeat(400) };
    const payload = slackPayload(message);
    expect(JSON.stringify(payload.blocks[1])).toContain('value &lt;!channel&gt; &amp; more');
    expect((payload.blocks[0]?.['text'] as { text: string }).text.length).toBeLessThanOrEqual(150);
  });

  it('given Slack answers 404 no_service, the result is not retryable and says so', async () => {
    const hook = await receiver();
    hook.answerNext({ status: 404, body: 'no_service' });
    expect(await new SlackSink(hook.url, LOCAL).send(messageOf(abortedRecord(), 'aborted'), AbortSignal.timeout(5000))).toEqual({
      ok: false,
      retryable: false,
      reason: 'the Slack webhook answered HTTP 404: no_service',
    });
  });
});

describe('the Teams sink', () => {
  it('posts a message with one Adaptive Card attachment holding the title, text and facts', async () => {
    const hook = await receiver({ status: 202, body: '' });
    const message = messageOf(abortedRecord(), 'rolledBack');
    expect(await new TeamsSink(hook.url, LOCAL).send(message, AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    const payload = JSON.parse(hook.requests[0]?.raw ?? '{}') as { type: string; attachments: Array<{ contentType: string; content: { type: string; version: string; body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }> } }> };
    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    const [attachment] = payload.attachments;
    expect(attachment?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    expect(attachment?.content.type).toBe('AdaptiveCard');
    expect(attachment?.content.version).toMatch(/^1\.\d$/);
    expect(attachment?.content.body.map((element) => element.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet']);
    expect(attachment?.content.body[0]?.text).toBe(message.title);
    expect(attachment?.content.body[2]?.facts).toContainEqual({ title: 'Revert', value: REVERT_COMMIT });
  });
});

describe('the GitHub sink', () => {
  async function github(): Promise<GitHubApiReceiver> {
    const api = await startGitHubApiReceiver();
    closers.push(() => api.close());
    return api;
  }

  it('given a release aborted and reverted, then every request has GitHub\'s documented shape and the statuses land on the released commit and the revert', async () => {
    const api = await github();
    const sink = new GitHubSink({ token: api.token, apiURL: api.url }, LOCAL);
    const record = abortedRecord();
    for (const event of ['started', 'paused', 'aborted', 'rolledBack', 'healthy'] as const) {
      expect(await sink.send(messageOf(record, event), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    }
    expect(api.calls.filter((call) => call.problem !== undefined)).toEqual([]);
    for (const call of api.calls) expect(call.headers['user-agent']).toBeTruthy();
    expect(api.statuses.get(`acme/shop-deploy@${RELEASED_COMMIT}`)?.map((s) => s.state)).toEqual(['pending', 'pending', 'failure']);
    expect(api.statuses.get(`acme/shop-deploy@${REVERT_COMMIT}`)?.map((s) => s.state)).toEqual(['success', 'success']);
    expect(new Set([...api.statuses.values()].flat().map((s) => s.context))).toEqual(new Set(['vane/checkout']));
    const released = api.deployments.filter((d) => d.sha === RELEASED_COMMIT);
    expect(released).toHaveLength(1);
    expect(released[0]?.environment).toBe('shop');
    expect(released[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'in_progress', 'failure', 'inactive']);
    expect(api.deployments.find((d) => d.sha === REVERT_COMMIT)?.statuses.map((s) => s.state)).toEqual(['success']);
  });

  it('given a 502 after the deployment was created, when retried, then no second deployment is made', async () => {
    const api = await github();
    const sink = new GitHubSink({ token: api.token, apiURL: api.url, commitStatuses: false }, LOCAL);
    const message = messageOf(promotedRecord(), 'promoted');
    await sink.send(messageOf(promotedRecord(), 'started'), AbortSignal.timeout(5000));
    api.failNext(502);
    expect(await sink.send(message, AbortSignal.timeout(5000))).toMatchObject({ ok: false, retryable: true });
    expect(await sink.send(message, AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(api.deployments).toHaveLength(1);
    expect(api.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('cuts a long description to 140 characters, uses the configured repository, context and environment', async () => {
    const api = await github();
    const sink = new GitHubSink({ token: api.token, apiURL: api.url, repository: 'acme/checkout', context: 'deploy/checkout', environment: 'production' }, LOCAL);
    const message = { ...messageOf(abortedRecord(), 'aborted'), text: 'y'.repeat(500) };
    expect(await sink.send(message, AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    const [status] = api.statuses.get(`acme/checkout@${RELEASED_COMMIT}`) ?? [];
    expect(status?.context).toBe('deploy/checkout');
    expect([...(status?.description ?? '')].length).toBe(140);
    const created = api.calls.find((call) => call.method === 'POST' && call.path === '/repos/acme/checkout/deployments');
    expect(created?.body).toMatchObject({ ref: RELEASED_COMMIT, environment: 'production', auto_merge: false, required_contexts: [], transient_environment: false, production_environment: true });
  });

  it('without a known commit, reports a non-retryable result and sends nothing', async () => {
    const api = await github();
    const { source: _source, ...record } = promotedRecord();
    expect(await new GitHubSink({ token: api.token, apiURL: api.url, repository: 'acme/app' }, LOCAL).send(messageOf(record, 'started'), AbortSignal.timeout(5000))).toEqual({
      ok: false,
      retryable: false,
      reason: 'no commit known for this release',
    });
    expect(api.calls).toHaveLength(0);
  });

  it('given healthy again after a fix-forward (no revert), then there is nothing to mark: ok, and no request', async () => {
    const api = await github();
    const { revert: _revert, ...record } = abortedRecord();
    const sink = new GitHubSink({ token: api.token, apiURL: api.url }, LOCAL);
    expect(await sink.send(messageOf(record, 'healthy'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(api.calls).toHaveLength(0);
  });

  it('given a wrong token, the 401 is not retryable', async () => {
    const api = await github();
    expect(await new GitHubSink({ token: 'wrong', apiURL: api.url }, LOCAL).send(messageOf(abortedRecord(), 'aborted'), AbortSignal.timeout(5000))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('HTTP 401: {"message":"Bad credentials"'),
    });
  });

  it.each([
    ['https://github.com/acme/app.git', 'acme/app'],
    ['https://github.com/acme/app', 'acme/app'],
    ['ssh://git@github.com/acme/app.git', 'acme/app'],
    ['git@github.com:acme/app.git', 'acme/app'],
    ['https://ghe.corp.example/team/app.git', 'team/app'],
    ['https://github.com/acme', undefined],
    ['/srv/git/app', undefined],
  ])('reads the repository of %s as %s', (url, repository) => {
    expect(repositoryOf(url)).toBe(repository);
  });
});

describe('the GitHub-API receiver', () => {
  it('answers 422 for a state GitHub does not know, 201 with an id for a good one, and 401 without the token', async () => {
    const api = await startGitHubApiReceiver();
    closers.push(() => api.close());
    const headers = { accept: 'application/vnd.github+json', authorization: `Bearer ${api.token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 't', 'content-type': 'application/json' };
    const url = `${api.url}/repos/acme/app/statuses/${RELEASED_COMMIT}`;
    const bad = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ state: 'passed' }) });
    expect(bad.status).toBe(422);
    const good = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ state: 'success', context: 'c' }) });
    expect(good.status).toBe(201);
    expect(((await good.json()) as { id: unknown }).id).toEqual(expect.any(Number));
    const anonymous = await fetch(url, { method: 'POST', headers: { ...headers, authorization: '' }, body: JSON.stringify({ state: 'success' }) });
    expect(anonymous.status).toBe(401);
    const long = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ state: 'success', description: 'z'.repeat(141) }) });
    expect(long.status).toBe(422);
  });
});
