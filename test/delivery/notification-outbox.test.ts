// Specification of the notification outbox against a cluster (the sandbox, or a real API server in that leg): it
// sends exactly one message per (transition, notifier) across restarts, only while leading, nothing for a muted
// Rollout, gives up on a 4xx with an Event, retries a 5xx, and keeps each notifier to its own namespace.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { NotificationOutbox, type DeliveryPolicy, type NotificationResult } from '../../src/delivery/notification-outbox.js';
import { KubeEventRecorder } from '../../src/kube/event-recorder.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';
import { WriteTracker } from '../../src/kube/write-tracker.js';
import { silentLogger } from '../../src/logger.js';
import { MUTE_ANNOTATION, type NotifierSpec } from '../../src/resources/notifier.js';
import type { NotificationRecord, RevisionRecord, Rollout } from '../../src/resources/rollout.js';
import { openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';

type RolloutObject = Rollout & KubeObject;

interface Received {
  path: string;
  body: { id: string; event: string; title: string; text: string; rollout: { namespace: string; name: string } };
}

/** A local HTTP receiver: records every request, answers each path from its script (then 200). */
class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const path = req.url ?? '/';
        this.received.push({ path, body: JSON.parse(text) as Received['body'] });
        const status = this.scripts.get(path)?.shift() ?? 200;
        res.writeHead(status).end(status >= 400 ? 'no thanks' : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  answer(path: string, statuses: number[]): void {
    this.scripts.set(path, statuses);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface RunningOutbox {
  outbox: NotificationOutbox;
  counts: Array<[string, NotificationResult]>;
  stop(): Promise<void>;
}

let cluster: ControllerCluster;
let admin: KubeClient;
const receiver = new Receiver();
const CONTROLLER_NAMESPACE = 'vane-system';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function client(): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  return new KubeClient(await KubeTransport.fromKubeConfig(kc));
}

/** An outbox as the controller runs it: started (leading) or only with its informers (a standby). */
async function runOutbox(leading = true, policy: Partial<DeliveryPolicy> = { backoff: { baseMs: 50, maxMs: 200 }, maxTries: 4 }, reconcilerBusy?: () => boolean): Promise<RunningOutbox> {
  const kube = await client();
  const rollouts = new SupervisedInformer<RolloutObject>(kube, Kinds.Rollout, { logger: silentLogger });
  const counts: Array<[string, NotificationResult]> = [];
  const outbox = new NotificationOutbox({
    client: kube,
    rollouts,
    events: new KubeEventRecorder(kube, 'vane.dev/rollout-controller', 'test'),
    writes: new WriteTracker(),
    controllerNamespace: CONTROLLER_NAMESPACE,
    allowLocalUrls: true,
    logger: silentLogger,
    observer: { countNotification: (sink, result) => counts.push([sink, result]) },
    policy,
    ...(reconcilerBusy ? { reconcilerBusy } : {}),
  });
  outbox.startInformers();
  rollouts.start();
  await Promise.all([rollouts.waitForSync(), outbox.waitForSync()]);
  if (leading) outbox.start();
  return {
    outbox,
    counts,
    async stop() {
      await outbox.stop();
      await rollouts.stop();
      kube.transport.close();
    },
  };
}

async function namespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await admin.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

async function notifier(ns: string, name: string, spec: NotifierSpec): Promise<void> {
  await admin.create(Kinds.Notifier, { apiVersion: 'vane.dev/v1alpha1', kind: 'Notifier', metadata: { name, namespace: ns }, spec } as unknown as KubeObject);
}

/** A Rollout whose status.history holds `records`, written directly to the status subresource (no controller). */
async function rolloutWithHistory(ns: string, name: string, records: RevisionRecord[], metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Promise<void> {
  const created = await admin.create<RolloutObject>(Kinds.Rollout, {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: ns, ...metadata },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'img:2' }] } }, strategy: { canary: { steps: [] } } },
  });
  await admin.replaceStatus(Kinds.Rollout, { ...created, status: { history: records } });
}

/** A release that started, was aborted by analysis and reverted in git, all just now (after its notifiers were created). */
function abortedRelease(hash = 'abc123'): RevisionRecord {
  const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
  return {
    podTemplateHash: hash,
    images: ['img:2'],
    outcome: 'Aborted',
    attempt: 1,
    startedAt: at(0),
    finishedAt: at(1),
    verdict: { at: at(1), by: 'controller', reason: 'AnalysisFailed', metric: { name: 'error-rate', value: '0.3', analysisRun: 'r1' } },
    revert: { commit: 'f00dfeed', at: at(2) },
  };
}

async function notified(ns: string, name: string, count: number, timeoutMs = 15_000): Promise<NotificationRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ro = await admin.get<RolloutObject>(Kinds.Rollout, ns, name);
    const list = (ro?.status?.history ?? []).flatMap((r) => r.notified ?? []);
    if (list.length >= count) return list;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} notified entries on ${ns}/${name}; have ${JSON.stringify(list)}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  cluster = await openControllerCluster({ crdFiles: vaneCrdFiles() });
  admin = await client();
  await namespace(CONTROLLER_NAMESPACE);
  await receiver.start();
}, 60_000);

afterAll(async () => {
  await receiver.stop();
  admin?.transport.close();
  await cluster?.stop();
});

describe('notification outbox: exactly once', () => {
  it('given two notifiers and a release that started, was aborted and rolled back, then each gets one message per subscribed transition, and a restarted outbox sends none again', async () => {
    await namespace('once');
    // @covers spec.webhook
    // @covers spec.webhook.url
    // @covers spec.selector
    // @covers spec.selector.matchLabels
    await notifier('once', 'all', { selector: { matchLabels: { team: 'shop' } }, webhook: { url: `${receiver.url}/once-all` } });
    // @covers spec.events
    // @covers spec.templates
    await notifier('once', 'aborts', { events: ['aborted'], templates: { aborted: { title: '{{rollout}} failed on {{metric}}' } }, webhook: { url: `${receiver.url}/once-aborts` } });
    await notifier('once', 'other-team', { selector: { matchLabels: { team: 'other' } }, webhook: { url: `${receiver.url}/once-other` } });
    const first = await runOutbox();
    try {
      await rolloutWithHistory('once', 'web', [abortedRelease()], { labels: { team: 'shop' } });
      const results = await notified('once', 'web', 4);
      expect(results.map((r) => [r.key, r.result]).sort()).toEqual([
        ['aborted/once/aborts', 'Sent'],
        ['aborted/once/all', 'Sent'],
        ['rolledBack/once/all', 'Sent'],
        ['started/once/all', 'Sent'],
      ]);
      expect(first.counts.filter(([, r]) => r === 'sent')).toHaveLength(4);
    } finally {
      await first.stop();
    }
    const second = await runOutbox();
    try {
      await sleep(1_500);
    } finally {
      await second.stop();
    }
    expect(receiver.at('/once-all').map((r) => r.body.event)).toEqual(['started', 'aborted', 'rolledBack']);
    expect(receiver.at('/once-aborts').map((r) => r.body.event)).toEqual(['aborted']);
    // The notifier's own template is used for its message; the other notifier keeps the default wording.
    expect(receiver.at('/once-aborts').map((r) => r.body.title)).toEqual(['web failed on error-rate']);
    expect(receiver.at('/once-all').find((r) => r.body.event === 'aborted')?.body.title).toBe('once/web: release abc123 aborted');
    expect(receiver.at('/once-other')).toEqual([]);
    expect(new Set(receiver.at('/once-all').map((r) => r.body.id)).size).toBe(3);
  }, 60_000);

  it('given a standby outbox that is not leading, then it sends nothing until it leads, and then once', async () => {
    await namespace('standby');
    await notifier('standby', 'hook', { events: ['started'], webhook: { url: `${receiver.url}/standby` } });
    const standby = await runOutbox(false);
    try {
      await rolloutWithHistory('standby', 'web', [abortedRelease()]);
      await sleep(1_500);
      expect(receiver.at('/standby')).toEqual([]);
      standby.outbox.start();
      await notified('standby', 'web', 1);
      await sleep(500);
      expect(receiver.at('/standby')).toHaveLength(1);
    } finally {
      await standby.stop();
    }
  }, 60_000);
});

describe('notification outbox: what is not sent', () => {
  it('given a muted Rollout and a suspended notifier, then every transition is recorded Skipped and nothing is sent', async () => {
    await namespace('quiet');
    await notifier('quiet', 'hook', { events: ['aborted'], webhook: { url: `${receiver.url}/quiet` } });
    // @covers spec.suspend
    await notifier('quiet', 'paused', { suspend: true, events: ['aborted'], webhook: { url: `${receiver.url}/quiet-suspended` } });
    const running = await runOutbox();
    try {
      const until = new Date(Date.now() + 3_600_000).toISOString();
      await rolloutWithHistory('quiet', 'muted', [abortedRelease()], { annotations: { [MUTE_ANNOTATION]: until } });
      await rolloutWithHistory('quiet', 'loud', [abortedRelease()]);
      const muted = await notified('quiet', 'muted', 2);
      expect(muted.map((r) => [r.key, r.result, r.message])).toEqual([
        ['aborted/quiet/hook', 'Skipped', 'the Rollout is muted'],
        ['aborted/quiet/paused', 'Skipped', 'the Rollout is muted'],
      ]);
      const loud = await notified('quiet', 'loud', 2);
      expect(loud.map((r) => [r.key, r.result]).sort()).toEqual([['aborted/quiet/hook', 'Sent'], ['aborted/quiet/paused', 'Skipped']]);
      expect(receiver.at('/quiet').map((r) => r.body.rollout.name)).toEqual(['loud']);
      expect(receiver.at('/quiet-suspended')).toEqual([]);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('given an invalid Notifier, then it gets Ready=False naming the fields and sends nothing', async () => {
    await namespace('invalid');
    await notifier('invalid', 'two-sinks', { webhook: { url: `${receiver.url}/invalid` }, teams: { urlSecretRef: { name: 't', key: 'url' } } });
    const running = await runOutbox();
    try {
      await rolloutWithHistory('invalid', 'web', [abortedRelease()]);
      const deadline = Date.now() + 10_000;
      let ready: { status: string; reason: string; message: string } | undefined;
      while (ready === undefined && Date.now() < deadline) {
        const live = await admin.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } }>(Kinds.Notifier, 'invalid', 'two-sinks');
        ready = live?.status?.conditions?.find((c) => c.type === 'Ready');
        await sleep(50);
      }
      expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
      expect(ready?.message).toContain('found spec.webhook and spec.teams');
      await sleep(500);
      expect(receiver.at('/invalid')).toEqual([]);
    } finally {
      await running.stop();
    }
  }, 60_000);
});

describe('notification outbox: failures', () => {
  it('given a receiver that answers 400, then the notification is Failed with the reason, a NotificationFailed Event is recorded, and it is not retried', async () => {
    await namespace('refused');
    await notifier('refused', 'hook', { events: ['aborted'], webhook: { url: `${receiver.url}/refused` } });
    receiver.answer('/refused', [400, 400, 400]);
    const running = await runOutbox();
    try {
      await rolloutWithHistory('refused', 'web', [abortedRelease()]);
      const [record] = await notified('refused', 'web', 1);
      expect(record).toMatchObject({ key: 'aborted/refused/hook', result: 'Failed', message: expect.stringContaining('answered HTTP 400: no thanks') });
      const deadline = Date.now() + 10_000;
      let events: Array<{ reason: string; note: string }> = [];
      while (!events.some((e) => e.reason === 'NotificationFailed') && Date.now() < deadline) {
        const { items } = await admin.list<KubeObject & { reason: string; note: string; regarding?: { name?: string } }>(Kinds.Event, 'refused');
        events = items.filter((e) => e.regarding?.name === 'web');
        await sleep(50);
      }
      expect(events.find((e) => e.reason === 'NotificationFailed')?.note).toContain('HTTP 400');
      await sleep(500);
      expect(receiver.at('/refused')).toHaveLength(1);
      expect(running.counts).toContainEqual(['webhook', 'failed']);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('given a receiver that answers 503 twice, then 200, then exactly one Sent after two retries', async () => {
    await namespace('flaky');
    await notifier('flaky', 'hook', { events: ['aborted'], webhook: { url: `${receiver.url}/flaky` } });
    receiver.answer('/flaky', [503, 503]);
    const running = await runOutbox();
    try {
      await rolloutWithHistory('flaky', 'web', [abortedRelease()]);
      const [record] = await notified('flaky', 'web', 1);
      expect(record).toMatchObject({ key: 'aborted/flaky/hook', result: 'Sent' });
      await sleep(500);
      expect(receiver.at('/flaky')).toHaveLength(3);
      expect(new Set(receiver.at('/flaky').map((r) => r.body.id)).size).toBe(1);
      expect(running.counts.filter(([, r]) => r === 'retried')).toHaveLength(2);
    } finally {
      await running.stop();
    }
  }, 60_000);
});

describe('notification outbox: a receiver that is down', () => {
  it('given one notifier for several Rollouts and its receiver failing, then its other deliveries wait out the backoff instead of each spending a try, and each is sent once it recovers', async () => {
    await namespace('down');
    await notifier('down', 'hook', { events: ['aborted'], webhook: { url: `${receiver.url}/down` } });
    // Down for the first three requests, then back. The delivery that tries first after a hold may spend several
    // tries (it probes for the others); enough tries are allowed that none gives up.
    receiver.answer('/down', [503, 503, 503]);
    const names = ['a', 'b', 'c', 'd'];
    for (const name of names) await rolloutWithHistory('down', name, [abortedRelease()]);
    const running = await runOutbox(true, { backoff: { baseMs: 3_000, maxMs: 3_000 }, maxTries: 10 });
    try {
      await sleep(800);
      // At most one try per worker (two) that had started before the first failure; without the hold, one per Rollout.
      expect(receiver.at('/down').length).toBeLessThanOrEqual(2);
      for (const name of names) { const [r] = await notified('down', name, 1, 30_000); expect(r, JSON.stringify(r)).toMatchObject({ result: 'Sent' }); }
      expect(new Set(receiver.at('/down').map((r) => r.body.id)).size).toBe(names.length);
    } finally {
      await running.stop();
    }
  }, 60_000);
});

describe('notification outbox: giving way to the reconciler', () => {
  it('given reconcile passes waiting, then nothing is sent until they are done; given them waiting for longer than maxDeferMs, then it is sent anyway', async () => {
    await namespace('busy');
    await notifier('busy', 'hook', { events: ['aborted'], webhook: { url: `${receiver.url}/busy` } });
    let busy = true;
    const running = await runOutbox(true, { backoff: { baseMs: 50, maxMs: 200 }, maxTries: 4, maxDeferMs: 60_000 }, () => busy);
    try {
      await rolloutWithHistory('busy', 'web', [abortedRelease()]);
      await sleep(800);
      expect(receiver.at('/busy')).toHaveLength(0);
      busy = false;
      expect((await notified('busy', 'web', 1))[0]).toMatchObject({ result: 'Sent' });
    } finally {
      await running.stop();
    }
    const stubborn = await runOutbox(true, { backoff: { baseMs: 50, maxMs: 200 }, maxTries: 4, maxDeferMs: 300 }, () => true);
    try {
      await rolloutWithHistory('busy', 'api', [abortedRelease()]);
      expect((await notified('busy', 'api', 1))[0]).toMatchObject({ result: 'Sent' });
    } finally {
      await stubborn.stop();
    }
  }, 60_000);
});

describe('notification outbox: tenancy', () => {
  it('given a Notifier in namespace A, then it never selects a Rollout in namespace B, and cannot read a Secret that exists only in B', async () => {
    await namespace('tenant-a');
    await namespace('tenant-b');
    await admin.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hook-key', namespace: 'tenant-b' }, data: { hmac: Buffer.from('b-secret').toString('base64') } } as KubeObject);
    // @covers spec.webhook.secretRef
    // @covers spec.webhook.secretRef.name
    // @covers spec.webhook.secretRef.key
    await notifier('tenant-a', 'hook', { events: ['aborted'], webhook: { url: `${receiver.url}/tenant-a`, secretRef: { name: 'hook-key', key: 'hmac' } } });
    const running = await runOutbox();
    try {
      await rolloutWithHistory('tenant-b', 'web', [abortedRelease()]);
      await rolloutWithHistory('tenant-a', 'web', [abortedRelease()]);
      const [record] = await notified('tenant-a', 'web', 1, 20_000);
      expect(record).toMatchObject({ key: 'aborted/tenant-a/hook', result: 'Failed' });
      expect(record?.message).toContain('Secret tenant-a/hook-key not found');
      const inB = await admin.get<RolloutObject>(Kinds.Rollout, 'tenant-b', 'web');
      expect(inB?.status?.history?.[0]?.notified).toBeUndefined();
      expect(receiver.at('/tenant-a')).toEqual([]);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('given a ClusterNotifier with a namespaceSelector and a selector, then it sends for Rollouts in the namespaces it selects and no others', async () => {
    await namespace('prod-shop', { tier: 'prod' });
    await namespace('dev-shop', { tier: 'dev' });
    // @covers spec.namespaceSelector
    // @covers spec.namespaceSelector.matchExpressions
    // @covers spec.namespaceSelector.matchExpressions[].key
    // @covers spec.namespaceSelector.matchExpressions[].operator
    // @covers spec.namespaceSelector.matchExpressions[].values
    // @covers spec.selector.matchExpressions
    // @covers spec.selector.matchExpressions[].key
    // @covers spec.selector.matchExpressions[].operator
    // @covers spec.selector.matchExpressions[].values
    await admin.create(Kinds.ClusterNotifier, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'ClusterNotifier',
      metadata: { name: 'prod-aborts' },
      spec: {
        namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }] },
        selector: { matchExpressions: [{ key: 'notify', operator: 'NotIn', values: ['never'] }] },
        events: ['aborted'],
        webhook: { url: `${receiver.url}/cluster` },
      },
    } as unknown as KubeObject);
    const running = await runOutbox();
    try {
      await rolloutWithHistory('dev-shop', 'web', [abortedRelease()]);
      await rolloutWithHistory('prod-shop', 'quiet', [abortedRelease()], { labels: { notify: 'never' } });
      await rolloutWithHistory('prod-shop', 'web', [abortedRelease()]);
      const [record] = await notified('prod-shop', 'web', 1);
      expect(record).toMatchObject({ key: 'aborted/prod-aborts', result: 'Sent' });
      await sleep(500);
      expect(receiver.at('/cluster').map((r) => `${r.body.rollout.namespace}/${r.body.rollout.name}`)).toEqual(['prod-shop/web']);
    } finally {
      await running.stop();
    }
  }, 60_000);
});
