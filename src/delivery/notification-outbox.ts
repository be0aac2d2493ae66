// The notification outbox: its own informers (Notifiers, ClusterNotifiers, Namespaces), its own work queue and
// workers, run only while leading. A Rollout update enqueues its key; a pass sends what its records show and
// `notified` does not, and records each result in the cluster right after it, so a restart or a new leader sends
// nothing twice (docs/notifications.md#delivery). No reconcile pass ever waits on it.
import type { Logger } from '../logger.js';
import { toVaneError } from '../errors.js';
import { ControllerRunner, type Reconcile, type ReconcileResult } from '../kube/controller-runner.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { KubeClient } from '../kube/kube-client.js';
import { objectKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { trimForCache } from '../kube/cache-trim.js';
import { SupervisedInformer, type InformerEvent } from '../kube/supervised-informer.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import { backoffDelay, type BackoffPolicy } from '../gitops/jittered-backoff.js';
import type { ClusterNotifier, Notifier } from '../resources/notifier.js';
import type { NotificationRecord, Rollout } from '../resources/rollout.js';
import { notificationMessage } from './notification-message.js';
import { DEFAULT_MAX_AGE_MS, planDeliveries, type Delivery } from './notification-plan.js';
import type { SendResult } from './notification-sink.js';
import { recordResults, unrecordedLive } from './notified-record.js';
import { resolveSinkSecrets } from './notifier-secrets.js';
import { notifierId, notifiersFor, type SelectedNotifier } from './notifier-selection.js';
import { notifierProblems, writeReadyCondition } from './notifier-status.js';
import { sinkFor } from './sink-factory.js';

export type NotificationResult = 'sent' | 'failed' | 'skipped' | 'retried';

/** Counts deliveries (server/metrics.ts implements it as vane_notifications_total{sink,result}). */
export interface NotificationObserver {
  countNotification(sink: string, result: NotificationResult): void;
}

export interface DeliveryPolicy {
  /** Tries in all before a retryable failure is recorded Failed. */
  maxTries: number;
  backoff: BackoffPolicy;
  /** Each try gives up after this long (the sink sees its signal abort). */
  tryTimeoutMs: number;
  /** Transitions older than this are recorded Skipped. */
  maxAgeMs: number;
  /** While the reconciler is busy, a pass waits for it at most this long (then goes ahead regardless). */
  maxDeferMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxTries: 6, backoff: { baseMs: 2_000, maxMs: 60_000 }, tryTimeoutMs: 10_000, maxAgeMs: DEFAULT_MAX_AGE_MS, maxDeferMs: 2_000 };

/** How often a deferred pass looks again whether the reconciler is still busy. */
const DEFER_RECHECK_MS = 100;

type RolloutObject = Rollout & KubeObject;
type NotifierObject = Notifier & KubeObject;
type ClusterNotifierObject = ClusterNotifier & KubeObject;

export interface NotificationOutboxOptions {
  client: KubeClient;
  /** The Rollout informer the controller already runs (shared, not a second watch). */
  rollouts: SupervisedInformer<RolloutObject>;
  events: EventRecorder;
  /** Shared with the Rollout reconciler and the git rollback queue: the writers of a Rollout's status. */
  writes: WriteTracker;
  /** Watched namespace; absent → all. Namespaces (for namespaceSelector) are watched only cluster-wide. */
  namespace?: string;
  /** Where a ClusterNotifier's Secrets are read from. */
  controllerNamespace: string;
  allowLocalUrls: boolean;
  clock?: () => number;
  logger: Logger;
  observer?: NotificationObserver;
  policy?: Partial<DeliveryPolicy>;
  workers?: number;
  random?: () => number;
  /**
   * True while reconcile passes are waiting (the Rollout queue is not empty): notifications then give way, so their
   * CPU and API requests do not lengthen the passes of a burst of releases (bounded by maxDeferMs).
   */
  reconcilerBusy?: () => boolean;
  /** Runs a delivery pass only when this replica acts on the Rollout (its shard's, docs/adr/0017-shards-over-leases.md). */
  guard?: (reconcile: Reconcile) => Reconcile;
  /** Whether this replica writes the Ready condition of notifiers (one replica does; default: every one that started). */
  reportsNotifierStatus?: () => boolean;
}

interface RetryState {
  tries: number;
  nextAt: number;
}

export class NotificationOutbox {
  readonly notifiers: SupervisedInformer<NotifierObject>;
  readonly clusterNotifiers: SupervisedInformer<ClusterNotifierObject>;
  readonly namespaces: SupervisedInformer<KubeObject> | undefined;
  private readonly deliveries: ControllerRunner;
  private readonly statuses: ControllerRunner;
  private readonly retries = new Map<string, RetryState>();
  /**
   * Notifier id → the time before which nothing is sent through it: after a retryable failure (a receiver down or
   * hanging) its other deliveries wait too, so one tenant's dead endpoint costs the workers one try per backoff, not
   * one timeout per message, and cannot starve the other notifiers.
   */
  private readonly holds = new Map<string, number>();
  private readonly validity = new WeakMap<object, boolean>();
  /** Rollouts whose `notified` a live read has confirmed since this process started leading. */
  private readonly confirmed = new Set<string>();
  /** Rollout key → when its pass first gave way to the reconciler. */
  private readonly deferredSince = new Map<string, number>();
  private readonly policy: DeliveryPolicy;
  private readonly clock: () => number;
  private started = false;
  private wired = false;

  constructor(private readonly options: NotificationOutboxOptions) {
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.clock = options.clock ?? Date.now;
    const base = { resyncMs: 0, logger: options.logger, trim: trimForCache };
    this.notifiers = new SupervisedInformer(options.client, Kinds.Notifier, { ...base, namespace: options.namespace });
    this.clusterNotifiers = new SupervisedInformer(options.client, Kinds.ClusterNotifier, base);
    this.namespaces = options.namespace === undefined ? new SupervisedInformer(options.client, Kinds.Namespace, base) : undefined;
    const deliver: Reconcile = (key) => this.reconcile(key);
    this.deliveries = new ControllerRunner(options.guard ? options.guard(deliver) : deliver, { name: 'notifications', workers: options.workers ?? 2, logger: options.logger });
    this.statuses = new ControllerRunner((key) => this.reconcileNotifierStatus(key), { name: 'notifiers', workers: 1, logger: options.logger });
  }

  get queueDepth(): number {
    return this.deliveries.queue.depth;
  }

  /** Routes informer events to queue keys; call before the informers start. Events before start() are ignored. */
  wire(): void {
    if (this.wired) return;
    this.wired = true;
    this.options.rollouts.addHandler((e) => {
      if (e.type === 'delete') this.forgetRetries(e.key);
      else if (this.started) this.deliveries.enqueue(e.key);
    });
    this.notifiers.addHandler((e) => this.onNotifier(e, 'Notifier'));
    this.clusterNotifiers.addHandler((e) => this.onNotifier(e, 'ClusterNotifier'));
    this.namespaces?.addHandler((e) => {
      if (this.started && e.type === 'update') this.wakeNamespace(e.object.metadata.name);
    });
  }

  startInformers(): void {
    this.wire();
    for (const informer of this.informers()) informer.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.waitForSync()));
  }

  /** Starts the workers (leader only) and looks at every Rollout and notifier once. */
  start(): void {
    this.wire();
    this.started = true;
    this.deliveries.start();
    this.statuses.start();
    for (const key of this.options.rollouts.keys()) this.deliveries.enqueue(key);
    for (const n of this.notifiers.list()) this.statuses.enqueue(`Notifier/${n.metadata.namespace}/${n.metadata.name}`);
    for (const n of this.clusterNotifiers.list()) this.statuses.enqueue(`ClusterNotifier/${n.metadata.name}`);
  }

  /** Looks again at the Rollouts `wanted` picks (a shard this replica has just taken up) and at every notifier. */
  requeue(wanted: (rollout: RolloutObject) => boolean): void {
    if (!this.started) return;
    for (const rollout of this.options.rollouts.list()) if (wanted(rollout)) this.deliveries.enqueue(objectKey(rollout));
    for (const n of this.notifiers.list()) this.statuses.enqueue(`Notifier/${n.metadata.namespace}/${n.metadata.name}`);
    for (const n of this.clusterNotifiers.list()) this.statuses.enqueue(`ClusterNotifier/${n.metadata.name}`);
  }

  /** Stops the workers after the deliveries in flight, then the informers. */
  async stop(): Promise<void> {
    this.started = false;
    this.confirmed.clear();
    await Promise.all([this.deliveries.stop(), this.statuses.stop()]);
    await Promise.all(this.informers().map((i) => i.stop()));
  }

  /** One pass over one Rollout: skips recorded together, each send recorded right after it. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const rollout = this.options.rollouts.get(key);
    if (!rollout) return {};
    if (this.options.writes.isStale(key, rollout.metadata.resourceVersion)) return { requeueAfterMs: this.options.writes.recheckAfterMs(key) };
    const now = this.clock();
    if (this.givesWay(key, now)) return { requeueAfterMs: DEFER_RECHECK_MS };
    const plan = planDeliveries(rollout, this.selected(rollout), now, this.policy.maxAgeMs);
    if (plan.length === 0) return {};
    const skips = plan.flatMap((d) => (d.action === 'skip' ? [{ delivery: d as Delivery, result: result(d, 'Skipped', now, d.reason) }] : []));
    if (skips.length > 0 && (await recordResults(this.options, rollout, skips))) for (const { delivery } of skips) this.count(delivery, 'skipped');
    let requeueAfterMs: number | undefined;
    for (const waiting of plan) if (waiting.action === 'wait') requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, waiting.until - now);
    for (const delivery of plan.filter((d) => d.action === 'send')) {
      const wait = await this.deliver(rollout, key, delivery);
      if (wait !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? wait, wait);
    }
    return requeueAfterMs === undefined ? {} : { requeueAfterMs };
  }

  /** Sends one delivery unless it waits for a retry; returns how long until its next try, if any. */
  private async deliver(rollout: RolloutObject, key: string, delivery: Delivery): Promise<number | undefined> {
    const retryKey = `${key}|${delivery.release.podTemplateHash}|${delivery.release.attempt}|${delivery.key}`;
    const retry = this.retries.get(retryKey);
    if (retry && retry.nextAt > this.clock()) return retry.nextAt - this.clock();
    const held = this.holds.get(delivery.notifier.id);
    if (held !== undefined && held > this.clock()) return held - this.clock();
    // Once a live read since this process started leading has shown the Rollout, only this process records its
    // notifications, and the pass only runs on a cache that has seen its own writes (isStale): the cache is enough.
    const live = this.confirmed.has(key) ? rollout : await unrecordedLive(this.options.client, rollout, delivery);
    if (live === undefined) return undefined;
    this.confirmed.add(key);
    const tries = (retry?.tries ?? 0) + 1;
    const sent = await this.send(rollout, delivery);
    if (sent.ok) {
      this.retries.delete(retryKey);
      this.holds.delete(delivery.notifier.id);
      await recordResults(this.options, rollout, [{ delivery, result: result(delivery, 'Sent', this.clock(), sent.detail) }], live);
      this.count(delivery, 'sent');
      return undefined;
    }
    if (sent.retryable && tries < this.policy.maxTries) {
      const delay = Math.max(sent.retryAfterMs ?? 0, backoffDelay(this.policy.backoff, tries, this.options.random));
      this.retries.set(retryKey, { tries, nextAt: this.clock() + delay });
      this.holds.set(delivery.notifier.id, this.clock() + delay);
      this.count(delivery, 'retried');
      this.options.logger.debug({ rollout: key, notification: delivery.key, tries, reason: sent.reason, retryInMs: delay }, 'notification failed; retrying');
      return delay;
    }
    this.retries.delete(retryKey);
    const reason = sent.retryable ? `gave up after ${tries} tries: ${sent.reason}` : sent.reason;
    await recordResults(this.options, rollout, [{ delivery, result: result(delivery, 'Failed', this.clock(), reason) }]);
    this.count(delivery, 'failed');
    await this.options.events.record(rollout, {
      key: `notification/${delivery.release.podTemplateHash}/${delivery.release.attempt}/${delivery.key}`,
      type: 'Warning',
      reason: 'NotificationFailed',
      message: `${delivery.transition.event} notification through ${delivery.notifier.kind} ${delivery.notifier.id} failed: ${reason}`,
    });
    return undefined;
  }

  /** Builds the sink and the message and tries once; never throws. */
  private async send(rollout: RolloutObject, delivery: Delivery): Promise<SendResult> {
    const { notifier } = delivery;
    let sink;
    try {
      const secrets = await resolveSinkSecrets(this.options.client, notifier, this.options.controllerNamespace);
      sink = sinkFor(notifier.spec, secrets, { allowLocalUrls: this.options.allowLocalUrls });
    } catch (err) {
      const error = toVaneError(err);
      // A Secret created a moment after its Notifier is normal; a spec the sink cannot use is not going to change.
      return { ok: false, retryable: error.code !== 'InvalidSpec', reason: error.message };
    }
    const message = notificationMessage({ rollout, record: delivery.record, transition: delivery.transition, notifier: notifier.id, ...(notifier.spec.templates ? { templates: notifier.spec.templates } : {}) });
    try {
      return await sink.send(message, AbortSignal.timeout(this.policy.tryTimeoutMs));
    } catch (err) {
      return { ok: false, retryable: true, reason: toVaneError(err).message };
    }
  }

  /** The valid notifiers that cover `rollout`; an invalid one sends nothing (its status says why). */
  private selected(rollout: RolloutObject): SelectedNotifier[] {
    const namespace = rollout.metadata.namespace ?? 'default';
    const notifiers = this.notifiers.list(namespace).filter((n) => this.isValid(n));
    const clusterNotifiers = this.clusterNotifiers.list().filter((n) => this.isValid(n));
    const labels = this.namespaces?.get(namespace)?.metadata.labels;
    return notifiersFor(rollout, notifiers, clusterNotifiers, this.namespaces ? (labels ?? {}) : undefined);
  }

  /** Whether the pass waits for the reconciler: while it is busy, up to maxDeferMs from the first wait. */
  private givesWay(key: string, now: number): boolean {
    if (this.options.reconcilerBusy?.() !== true) {
      this.deferredSince.delete(key);
      return false;
    }
    const since = this.deferredSince.get(key) ?? now;
    if (now - since >= this.policy.maxDeferMs) {
      this.deferredSince.delete(key);
      return false;
    }
    this.deferredSince.set(key, since);
    return true;
  }

  /** Validated once per object the informer holds (a change replaces the object), not on every pass. */
  private isValid(notifier: NotifierObject | ClusterNotifierObject): boolean {
    let valid = this.validity.get(notifier);
    if (valid === undefined) {
      valid = notifierProblems(notifier).length === 0;
      this.validity.set(notifier, valid);
    }
    return valid;
  }

  private async reconcileNotifierStatus(key: string): Promise<ReconcileResult> {
    if (this.options.reportsNotifierStatus?.() === false) return {};
    const [kind, ...rest] = key.split('/');
    const name = rest.pop() ?? '';
    const namespace = rest[0];
    await writeReadyCondition(this.options.client, kind as 'Notifier' | 'ClusterNotifier', namespace, name, this.clock());
    return {};
  }

  private onNotifier(event: InformerEvent<NotifierObject | ClusterNotifierObject>, kind: 'Notifier' | 'ClusterNotifier'): void {
    if (event.type === 'delete') this.holds.delete(notifierId(event.object));
    if (!this.started || event.type === 'delete') return;
    const { namespace, name } = event.object.metadata;
    this.statuses.enqueue(kind === 'Notifier' ? `Notifier/${namespace}/${name}` : `ClusterNotifier/${name}`);
    // A spec change (not our own status write) may select other Rollouts or subscribe to other events.
    if (event.oldObject?.metadata.generation === event.object.metadata.generation && event.type === 'update') return;
    this.wakeNamespace(kind === 'Notifier' ? namespace : undefined);
  }

  private wakeNamespace(namespace: string | undefined): void {
    for (const rollout of this.options.rollouts.list(namespace)) this.deliveries.enqueue(`${rollout.metadata.namespace}/${rollout.metadata.name}`);
  }

  private forgetRetries(key: string): void {
    this.deferredSince.delete(key);
    this.confirmed.delete(key);
    for (const retryKey of this.retries.keys()) if (retryKey.startsWith(`${key}|`)) this.retries.delete(retryKey);
  }

  private count(delivery: Delivery, outcome: NotificationResult): void {
    this.options.observer?.countNotification(sinkType(delivery.notifier), outcome);
  }

  private informers(): Array<SupervisedInformer<KubeObject>> {
    return [this.notifiers, this.clusterNotifiers, ...(this.namespaces ? [this.namespaces] : [])] as unknown as Array<SupervisedInformer<KubeObject>>;
  }
}

function result(delivery: Delivery, outcome: NotificationRecord['result'], now: number, message: string | undefined): NotificationRecord {
  return { key: delivery.key, at: new Date(now).toISOString(), result: outcome, ...(message ? { message } : {}) };
}

function sinkType(notifier: SelectedNotifier): string {
  const { webhook, slack, teams } = notifier.spec;
  return webhook ? 'webhook' : slack ? 'slack' : teams ? 'teams' : 'github';
}
