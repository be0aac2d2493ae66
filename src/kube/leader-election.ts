// Lease-based leader election (coordination.k8s.io/v1): one active controller, standbys take over on expiry.
//
// Expiry is judged by when *we* last saw the lease change, not by the holder's renewTime, so clock skew between
// nodes cannot make a standby steal a live lease (the same rule client-go follows).
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { reachabilityProblem } from './api-reachability.js';
import { isAlreadyExists, isConflict, KubeApiError } from './kube-api-error.js';
import type { KubeClient } from './kube-client.js';
import type { KubeObject } from './kube-object.js';
import { Kinds } from './resource-kind.js';

export interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger?: Logger;
  /** Called when this process becomes leader; the signal aborts when leadership is lost or released. */
  onStartedLeading: (signal: AbortSignal) => void;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
}

export class LeaderElector {
  private leading: AbortController | undefined;
  private observed: { holder: string; renewTime: string; at: number } | undefined;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private lastRenewAt = 0;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private knownLeader: string | undefined;
  /** The acquire/renew attempt under way, so stop() can wait for it before releasing. */
  private attempt: Promise<void> = Promise.resolve();
  /** The last failure logged, so a failure that repeats every retry period is logged once, not forever. */
  private lastFailure: string | undefined;
  private blockedBy: string | undefined;

  constructor(private readonly client: KubeClient, private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.log = (options.logger ?? silentLogger).child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
  }

  get isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** The identity currently holding the lease as far as this process knows (undefined before the first read). */
  get leader(): string | undefined {
    return this.knownLeader;
  }

  /**
   * Why this process cannot campaign at all (the Lease's namespace does not exist), for readiness; undefined when it
   * can. It keeps trying meanwhile, so creating the namespace is enough to recover.
   */
  get problem(): string | undefined {
    return this.blockedBy;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops campaigning; a leader releases the lease so a standby can take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A renew in flight could otherwise land after the release and hold the lease for a full duration.
    await this.attempt;
    if (this.leading) this.loseLeadership('stopping');
    // Released even if the last attempt acquired it after stop() began; release() checks that we hold it.
    await this.release().catch((err: unknown) => this.log.warn({ err: String(err) }, 'could not release lease'));
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let acquired = false;
    try {
      acquired = await this.tryAcquireOrRenew();
      this.recovered();
    } catch (err) {
      this.failed(err);
    }
    if (this.stopped) return;
    const now = Date.now();
    if (acquired) {
      this.lastRenewAt = now;
      if (!this.leading) this.becomeLeader();
    } else if (this.leading && now - this.lastRenewAt > this.renewDeadlineMs) {
      this.loseLeadership('renew deadline exceeded');
    }
    this.schedule(this.retryPeriodMs * (this.leading ? 1 : 0.8 + Math.random() * 0.4));
  }

  /** Logs a failure once per distinct cause; a missing namespace gets one error that says how to fix it. */
  private failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    const namespace = this.options.namespace;
    if (isMissingNamespace(err, namespace)) {
      this.blockedBy = `the Lease namespace "${namespace}" does not exist`;
      this.log.error(
        { err: message },
        `cannot campaign for leadership: the Lease namespace "${namespace}" does not exist, so this controller reconciles nothing. ` +
          `Create it (kubectl create namespace ${namespace}), name another with --lease-namespace, or run one controller without a Lease with --no-leader-elect`,
      );
      return;
    }
    this.blockedBy = undefined;
    // An unreachable server or rejected credentials are summarised once for the whole process (api-reachability.ts).
    const quiet = this.client.transport.reportsReachability && reachabilityProblem(err) !== undefined;
    this.log[quiet ? 'debug' : 'warn']({ err: message }, 'lease update failed; retrying (logged again only if the cause changes)');
  }

  private recovered(): void {
    if (this.lastFailure === undefined) return;
    this.lastFailure = undefined;
    this.blockedBy = undefined;
    this.log.info('lease updates work again');
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.attempt = this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = new Date();
    const current = await this.client.get<LeaseObject>(Kinds.Lease, namespace, name);
    if (!current) return this.create(now);
    const holder = current.spec?.holderIdentity ?? '';
    this.observe(holder, current.spec?.renewTime ?? '');
    const expired = !holder || (this.observed !== undefined && this.observed.at + this.durationOf(current) < Date.now());
    if (holder !== identity && !expired) return false;
    const spec = current.spec ?? {};
    const next: LeaseObject = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        renewTime: microTime(now),
        acquireTime: holder === identity ? spec.acquireTime : microTime(now),
        leaseTransitions: holder === identity ? spec.leaseTransitions ?? 0 : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      await this.client.replace(Kinds.Lease, next);
      this.observe(identity, next.spec?.renewTime ?? '');
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private async create(now: Date): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const lease: LeaseObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace, name },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      },
    };
    try {
      await this.client.create(Kinds.Lease, lease);
      this.observe(identity, lease.spec?.renewTime ?? '');
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }

  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    await releaseLease(this.client, namespace, name, identity);
  }

  private observe(holder: string, renewTime: string): void {
    if (this.observed?.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, at: Date.now() };
    }
    if (holder && holder !== this.knownLeader) {
      this.knownLeader = holder;
      this.options.onNewLeader?.(holder);
    }
  }

  private durationOf(lease: LeaseObject): number {
    const seconds = lease.spec?.leaseDurationSeconds;
    return seconds ? seconds * 1000 : this.leaseDurationMs;
  }

  private becomeLeader(): void {
    this.leading = new AbortController();
    this.log.info('became leader');
    this.options.onStartedLeading(this.leading.signal);
  }

  private loseLeadership(why: string): void {
    const leading = this.leading;
    this.leading = undefined;
    this.log.warn({ why }, 'stopped leading');
    leading?.abort();
    this.options.onStoppedLeading?.();
  }
}

/** The API's answer to creating an object in a namespace that does not exist: 404 naming the namespace. */
function isMissingNamespace(err: unknown, namespace: string): boolean {
  return err instanceof KubeApiError && err.status === 404 && err.apiStatus?.details?.kind === 'namespaces' && err.apiStatus.details.name === namespace;
}

/**
 * Empties the holder of a Lease `identity` holds (a no-op when it holds none), so the next holder need not wait for
 * it to expire.
 */
export async function releaseLease(client: KubeClient, namespace: string, name: string, identity: string): Promise<void> {
  const current = await client.get<LeaseObject>(Kinds.Lease, namespace, name);
  if (!current || current.spec?.holderIdentity !== identity) return;
  await client.replace(Kinds.Lease, { ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(new Date()) } });
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
