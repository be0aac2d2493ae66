// sinkFor: exactly one sink per Notifier, the Secret values it needs, and each spec field in the requests it makes.
import { afterEach, describe, expect, it } from 'vitest';
import { VaneError } from '../../src/errors.js';
import { notificationMessage } from '../../src/delivery/notification-message.js';
import type { NotificationMessage, NotificationSink } from '../../src/delivery/notification-sink.js';
import { resolveSinkSecrets } from '../../src/delivery/notifier-secrets.js';
import { releaseTransitions } from '../../src/delivery/release-transitions.js';
import { sinkFor } from '../../src/delivery/sink-factory.js';
import type { LiveReader } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { NotificationEvent, Notifier, NotifierSpec } from '../../src/resources/notifier.js';
import { startGitHubApiReceiver, type GitHubApiReceiver } from '../support/github-api-receiver.js';
import { startHttpReceiver, type HttpReceiver } from './support/http-receiver.js';
import { abortedRecord, RELEASED_COMMIT, REVERT_COMMIT, shopRollout } from './support/release-fixtures.js';

const OPTIONS = { allowLocalUrls: false };
const ref = { name: 'notify', key: 'value' };

function failure(run: () => unknown): VaneError {
  try {
    run();
  } catch (err) {
    if (err instanceof VaneError) return err;
    throw err;
  }
  throw new Error('expected sinkFor to throw');
}

describe('sinkFor', () => {
  it.each([
    [{ webhook: { url: 'https://hooks.example.com/vane' } }, {}, 'webhook'],
    [{ webhook: { url: 'https://hooks.example.com/vane', secretRef: ref } }, { hmacKey: 'k' }, 'webhook'],
    [{ slack: { urlSecretRef: ref } }, { url: 'https://hooks.slack.com/services/T/B/X\n' }, 'slack'],
    [{ teams: { urlSecretRef: ref } }, { url: 'https://example.webhook.office.com/x' }, 'teams'],
    [{ github: { tokenSecretRef: ref } }, { token: 'ghp_x' }, 'github'],
  ] as Array<[NotifierSpec, Record<string, string>, string]>)('given %j and the Secret values %j, it builds the %s sink', (spec, secrets, type) => {
    expect(sinkFor(spec, secrets, OPTIONS).type).toBe(type);
  });

  it('refuses a spec without a sink', () => {
    const err = failure(() => sinkFor({ events: ['aborted'] }, {}, OPTIONS));
    expect(err.code).toBe('InvalidSpec');
    expect(err.message).toBe('the notifier names no sink: set exactly one of spec.webhook, spec.slack, spec.teams, spec.github');
  });

  it('refuses a spec with two sinks, naming them', () => {
    const err = failure(() => sinkFor({ webhook: { url: 'https://x.example' }, slack: { urlSecretRef: ref } }, { url: 'https://y' }, OPTIONS));
    expect(err.code).toBe('InvalidSpec');
    expect(err.message).toBe('the notifier names 2 sinks (spec.webhook, spec.slack); set exactly one');
  });

  it.each([
    [{ slack: { urlSecretRef: ref } }, {}, 'spec.slack.urlSecretRef: the Slack webhook URL is missing: Secret "notify" has no value under key "value"'],
    [{ teams: { urlSecretRef: ref } }, { url: '  ' }, 'spec.teams.urlSecretRef: the Teams webhook URL is missing'],
    [{ github: { tokenSecretRef: ref } }, {}, 'spec.github.tokenSecretRef: the GitHub token is missing'],
    [{ webhook: { url: 'https://x.example', secretRef: ref } }, {}, 'spec.webhook.secretRef: the HMAC key is missing'],
  ] as Array<[NotifierSpec, Record<string, string>, string]>)('given %j without the secret it needs, it throws naming the field and the Secret', (spec, secrets, message) => {
    const err = failure(() => sinkFor(spec, secrets, OPTIONS));
    expect(err.code).toBe('InvalidSpec');
    expect(err.message).toContain(message);
  });

  it('refuses a GitHub sink that would send nothing, or a malformed repository', () => {
    expect(failure(() => sinkFor({ github: { tokenSecretRef: ref, commitStatuses: false, deployments: false } }, { token: 't' }, OPTIONS)).message).toContain('would send nothing');
    expect(failure(() => sinkFor({ github: { tokenSecretRef: ref, repository: 'https://github.com/acme/app' } }, { token: 't' }, OPTIONS)).message).toContain(
      'spec.github.repository must be "owner/name"',
    );
  });
});

/** Secrets of the namespace `shop` by name, their values in clear (base64-encoded as the API server serves them). */
function secretReader(secrets: Record<string, Record<string, string>>): LiveReader {
  return {
    get<T extends KubeObject>(_kind: unknown, namespace: string | undefined, name: string): Promise<T | undefined> {
      const data = namespace === 'shop' ? secrets[name] : undefined;
      if (data === undefined) return Promise.resolve(undefined);
      const encoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
      return Promise.resolve({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: encoded } as unknown as T);
    },
    list: () => Promise.reject(new Error('not used')),
  };
}

/** The sink the outbox builds for a Notifier `shop/team` with this spec: its Secrets read, then sinkFor. */
async function sinkFromSpec(spec: NotifierSpec, secrets: Record<string, Record<string, string>>): Promise<NotificationSink> {
  const object: Notifier = { apiVersion: 'vane.dev/v1alpha1', kind: 'Notifier', metadata: { name: 'team', namespace: 'shop' }, spec };
  const values = await resolveSinkSecrets(secretReader(secrets), { id: 'shop/team', kind: 'Notifier', spec, object }, 'vane-system');
  return sinkFor(spec, values, { allowLocalUrls: true });
}

function messageOf(event: NotificationEvent): NotificationMessage {
  const record = abortedRecord();
  const transition = releaseTransitions(record).find((t) => t.event === event);
  if (!transition) throw new Error(`no ${event} in the fixture`);
  return notificationMessage({ rollout: shopRollout(), record, transition, notifier: 'shop/team' });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function hooks(): Promise<HttpReceiver> {
  const receiver = await startHttpReceiver({ status: 200, body: 'ok' });
  closers.push(() => receiver.close());
  return receiver;
}

async function github(): Promise<GitHubApiReceiver> {
  const api = await startGitHubApiReceiver();
  closers.push(() => api.close());
  return api;
}

describe('from a Notifier spec and its Secrets to the requests sent', () => {
  it('given spec.slack, then the Slack payload goes to the URL under the named Secret key, not to another key or Secret', async () => {
    const hook = await hooks();
    // @covers spec.slack
    // @covers spec.slack.urlSecretRef
    // @covers spec.slack.urlSecretRef.name
    // @covers spec.slack.urlSecretRef.key
    const sink = await sinkFromSpec({ slack: { urlSecretRef: { name: 'chat-hooks', key: 'slack' } } }, {
      'chat-hooks': { slack: `${hook.url}/slack-path`, teams: `${hook.url}/teams-path` },
      other: { slack: `${hook.url}/other-secret` },
    });
    expect(await sink.send(messageOf('aborted'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(hook.requests.map((r) => r.path)).toEqual(['/slack-path']);
    expect(Object.keys(JSON.parse(hook.requests[0]?.raw ?? '{}') as object)).toEqual(expect.arrayContaining(['text', 'blocks']));
  });

  it('given spec.teams, then the Adaptive Card goes to the URL under the named Secret key, not to another key or Secret', async () => {
    const hook = await hooks();
    // @covers spec.teams
    // @covers spec.teams.urlSecretRef
    // @covers spec.teams.urlSecretRef.name
    // @covers spec.teams.urlSecretRef.key
    const sink = await sinkFromSpec({ teams: { urlSecretRef: { name: 'chat-hooks', key: 'teams' } } }, {
      'chat-hooks': { slack: `${hook.url}/slack-path`, teams: `${hook.url}/teams-path` },
      other: { teams: `${hook.url}/other-secret` },
    });
    expect(await sink.send(messageOf('aborted'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(hook.requests.map((r) => r.path)).toEqual(['/teams-path']);
    expect(JSON.parse(hook.requests[0]?.raw ?? '{}')).toMatchObject({ type: 'message', attachments: [{ content: { type: 'AdaptiveCard' } }] });
  });

  it('given spec.github with its defaults, then the API at apiURL gets the token under the named Secret key, and both a commit status (context vane/<rollout>) and a deployment in the namespace environment on the release repository', async () => {
    const api = await github();
    // @covers spec.github
    // @covers spec.github.tokenSecretRef
    // @covers spec.github.tokenSecretRef.name
    // @covers spec.github.tokenSecretRef.key
    // @covers spec.github.apiURL
    const sink = await sinkFromSpec({ github: { tokenSecretRef: { name: 'gh', key: 'token' }, apiURL: `${api.url}/` } }, {
      gh: { token: api.token, old: 'ghp_revoked' },
      other: { token: 'ghp_other' },
    });
    expect(await sink.send(messageOf('aborted'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(api.calls.length).toBeGreaterThan(0);
    expect(api.calls.filter((call) => call.problem !== undefined)).toEqual([]);
    expect(api.statuses.get(`acme/shop-deploy@${RELEASED_COMMIT}`)).toEqual([expect.objectContaining({ state: 'failure', context: 'vane/checkout' })]);
    expect(api.deployments.map((d) => [d.repository, d.environment])).toEqual([['acme/shop-deploy', 'shop']]);
  });

  it('given spec.github.repository, context and environment, then the status and the deployment land there instead of the defaults', async () => {
    const api = await github();
    // @covers spec.github.repository
    // @covers spec.github.context
    // @covers spec.github.environment
    const sink = await sinkFromSpec(
      { github: { tokenSecretRef: { name: 'gh', key: 'token' }, apiURL: api.url, repository: 'acme/checkout', context: 'deploy/checkout', environment: 'production' } },
      { gh: { token: api.token } },
    );
    expect(await sink.send(messageOf('rolledBack'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect([...api.statuses.keys()]).toEqual([`acme/checkout@${REVERT_COMMIT}`]);
    expect(api.statuses.get(`acme/checkout@${REVERT_COMMIT}`)?.map((s) => s.context)).toEqual(['deploy/checkout']);
    expect(api.deployments.map((d) => [d.repository, d.environment])).toEqual([['acme/checkout', 'production']]);
    expect(api.calls.find((call) => call.method === 'GET')?.query).toMatchObject({ environment: 'production' });
  });

  it('given spec.github.commitStatuses false, then GitHub receives no commit status, only the deployment and its status', async () => {
    const api = await github();
    // @covers spec.github.commitStatuses
    const sink = await sinkFromSpec({ github: { tokenSecretRef: { name: 'gh', key: 'token' }, apiURL: api.url, commitStatuses: false } }, { gh: { token: api.token } });
    expect(await sink.send(messageOf('aborted'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(api.calls.filter((call) => call.path.includes('/statuses/'))).toEqual([]);
    expect(api.statuses.size).toBe(0);
    expect(api.deployments[0]?.statuses.map((s) => s.state)).toEqual(['failure']);
  });

  it('given spec.github.deployments false, then GitHub receives no deployment request, only the commit status', async () => {
    const api = await github();
    // @covers spec.github.deployments
    const sink = await sinkFromSpec({ github: { tokenSecretRef: { name: 'gh', key: 'token' }, apiURL: api.url, deployments: false } }, { gh: { token: api.token } });
    expect(await sink.send(messageOf('aborted'), AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(api.calls.filter((call) => call.path.includes('/deployments'))).toEqual([]);
    expect(api.deployments).toEqual([]);
    expect(api.statuses.get(`acme/shop-deploy@${RELEASED_COMMIT}`)?.map((s) => s.state)).toEqual(['failure']);
  });
});
