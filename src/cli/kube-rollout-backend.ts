// The RolloutBackend straight to the cluster from a kubeconfig: live reads, and the same status command the API
// writes (Kubernetes RBAC on rollouts/status decides; the kubeconfig user is named as the actor).
import { VaneError } from '../errors.js';
import { KubeEventRecorder } from '../kube/event-recorder.js';
import { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { KubeTransport } from '../kube/kube-transport.js';
import type { Kubeconfig } from '../kube/kubeconfig.js';
import { loadKubeConfig } from '../kube/kubeconfig-loader.js';
import { Kinds } from '../kube/resource-kind.js';
import { SupervisedInformer } from '../kube/supervised-informer.js';
import { isNotFound } from '../kube/kube-api-error.js';
import { MUTE_ANNOTATION } from '../resources/notifier.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import type { CommandAction } from '../resources/rollout.js';
import { CommandAudit } from '../server/command-audit.js';
import type { CommandPolicy } from '../server/command-policy.js';
import { RolloutCommandWriter } from '../server/command-writer.js';
import { machineCommandPolicy } from '../server/machine-command-policy.js';
import { analysisRunRolloutUids, type AnalysisRunObject, type EventObject, type ReplicaSetObject, type RolloutObject } from '../server/rollout-read-model.js';
import { describeRollout, summarizeRollout, type RolloutDetail, type RolloutSummary } from '../server/rollout-view.js';
import { silentLogger } from '../logger.js';
import type { CommandOptions, CommandReceipt, ImageChanges, ImageUpdate, ReleaseHistory, RolloutBackend, RolloutChange } from './rollout-backend.js';
import { imagePatch } from './image-patch.js';

export interface KubeBackendOptions {
  kubeconfig?: string;
  context?: string;
  /** Whether a command applies now; the state machine's verdict by default. */
  policy?: CommandPolicy;
  /** How often `watch` re-reads the Rollout (default 1 s). */
  pollIntervalMs?: number;
}

export class KubeRolloutBackend implements RolloutBackend {
  private constructor(
    private readonly client: KubeClient,
    private readonly kc: Kubeconfig,
    private readonly policy: CommandPolicy | undefined,
    private readonly pollIntervalMs: number,
  ) {}

  static async open(options: KubeBackendOptions = {}): Promise<KubeRolloutBackend> {
    const kc = loadKubeConfig({ path: options.kubeconfig, context: options.context }).kubeConfig;
    const transport = await KubeTransport.fromKubeConfig(kc);
    return new KubeRolloutBackend(new KubeClient(transport), kc, options.policy, options.pollIntervalMs ?? 1000);
  }

  get description(): string {
    return `cluster ${this.kc.getCurrentCluster()?.server ?? '(unknown)'}`;
  }

  get defaultNamespace(): string {
    const context = this.kc.getContextObject(this.kc.getCurrentContext());
    return context?.namespace || 'default';
  }

  /** Who the command is from: the kubeconfig user (the cluster's audit log has the authenticated identity). */
  get actor(): string {
    return this.kc.getCurrentUser()?.name ?? 'kubeconfig-user';
  }

  async list(namespace?: string): Promise<RolloutSummary[]> {
    const { items } = await this.client.list<RolloutObject>(Kinds.Rollout, namespace);
    return items.map(summarizeRollout).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  async histories(namespace?: string): Promise<ReleaseHistory[]> {
    const { items } = await this.client.list<RolloutObject>(Kinds.Rollout, namespace);
    return items
      .map((r) => ({ namespace: r.metadata.namespace ?? '', name: r.metadata.name ?? '', history: r.status?.history ?? [] }))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  async get(namespace: string, name: string): Promise<RolloutDetail> {
    const rollout = await this.client.get<RolloutObject>(Kinds.Rollout, namespace, name);
    if (!rollout) throw new VaneError('NotFound', `rollout ${namespace}/${name} not found`);
    const uid = rollout.metadata.uid ?? '';
    const [replicaSets, analysisRuns, events] = await Promise.all([
      this.client.list<ReplicaSetObject>(Kinds.ReplicaSet, namespace, { labelSelector: POD_TEMPLATE_HASH_LABEL }),
      this.client.list<AnalysisRunObject>(Kinds.AnalysisRun, namespace),
      // Only this rollout's Events, selected by the server rather than every Event of the namespace.
      this.client.list<EventObject>(Kinds.Event, namespace, { fieldSelector: `regarding.uid=${uid}` }),
    ]);
    return describeRollout(rollout, {
      replicaSets: replicaSets.items.filter((rs) => ownedBy(rs, uid)),
      analysisRuns: analysisRuns.items.filter((run) => analysisRunRolloutUids(run).includes(uid)),
      events: events.items.filter((e) => e.regarding?.uid === uid),
    });
  }

  async command(namespace: string, name: string, action: CommandAction, options: CommandOptions = {}): Promise<CommandReceipt> {
    const writer = new RolloutCommandWriter({ reader: this.client, status: this.client, policy: this.policy ?? machineCommandPolicy });
    const { command, rollout } = await writer.write({ namespace, name }, action, this.actor, undefined, options);
    // The Event is best effort here: the user may be allowed to write status but not to create Events.
    const audit = new CommandAudit(silentLogger, new KubeEventRecorder(this.client, 'vane.dev/cli', this.actor));
    const entry = { requestId: command.id, actor: { username: this.actor, groups: [] }, action, namespace, name, outcome: 'accepted' as const, commandId: command.id };
    await audit.record({ ...entry, ...(options.reason ? { commandReason: options.reason } : {}) }, rollout);
    return { id: command.id, action };
  }

  /** A merge patch of one annotation; `null` removes it. A missing Rollout is a NotFound with its name. */
  async setMute(namespace: string, name: string, value: string | undefined): Promise<void> {
    try {
      await this.client.patch(Kinds.Rollout, namespace, name, { metadata: { annotations: { [MUTE_ANNOTATION]: value ?? null } } }, 'merge');
    } catch (err) {
      if (isNotFound(err)) throw new VaneError('NotFound', `rollout ${namespace}/${name} not found`);
      throw err;
    }
  }

  /** A JSON patch of the pod template that first tests each container's name, so a concurrent reorder fails it. */
  async setImages(namespace: string, name: string, changes: ImageChanges): Promise<ImageUpdate> {
    const rollout = await this.client.get<RolloutObject>(Kinds.Rollout, namespace, name);
    if (!rollout) throw new VaneError('NotFound', `rollout ${namespace}/${name} not found`);
    const { patch, changed } = imagePatch(rollout, changes);
    if (patch.length > 0) await this.client.patch(Kinds.Rollout, namespace, name, patch, 'json');
    return { changed };
  }

  /**
   * Polls the one Rollout rather than list+watching its namespace: a CLI follows a single object, and one GET a second
   * is lighter on the API server than caching every Rollout of the namespace. Reports only changes, like the API's
   * stream.
   */
  async watch(namespace: string, name: string, onChange: (summary: RolloutSummary | undefined) => void, signal: AbortSignal): Promise<void> {
    let last: string | undefined;
    while (!signal.aborted) {
      const rollout = await this.client.get<RolloutObject>(Kinds.Rollout, namespace, name);
      if (!rollout) {
        if (last === undefined) throw new VaneError('NotFound', `rollout ${namespace}/${name} not found`);
        onChange(undefined);
        return;
      }
      const summary = summarizeRollout(rollout);
      const text = JSON.stringify(summary);
      if (text !== last) onChange(summary);
      last = text;
      await delay(this.pollIntervalMs, signal);
    }
  }

  /** A list+watch of the Rollouts (an informer: it resumes and relists by itself) until the signal aborts. */
  async watchAll(namespace: string | undefined, onChange: (change: RolloutChange) => void, signal: AbortSignal): Promise<void> {
    const informer = new SupervisedInformer<RolloutObject>(this.client, Kinds.Rollout, { namespace });
    informer.addHandler((event) => {
      if (event.type === 'resync') return;
      const type = event.type === 'add' ? 'ADDED' : event.type === 'delete' ? 'DELETED' : 'MODIFIED';
      onChange({ type, rollout: summarizeRollout(event.object) });
    });
    informer.start();
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await informer.stop();
  }

  close(): void {
    this.client.transport.close();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function ownedBy(obj: KubeObject, uid: string): boolean {
  return (obj.metadata.ownerReferences ?? []).some((ref) => ref.kind === 'Rollout' && ref.uid === uid);
}
