// The RolloutBackend over Vane's HTTP API: the server authenticates, authorizes and audits.
import { setTimeout } from 'node:timers/promises';
import type { CommandAction } from '../resources/rollout.js';
import type { CommandVerb } from '../server/command-body.js';
import type { RolloutDetail, RolloutSummary } from '../server/rollout-view.js';
import { VaneApiClient } from './api-client.js';
import { VaneError } from '../errors.js';
import type { CommandOptions, CommandReceipt, ImageUpdate, ReleaseHistory, RolloutBackend, RolloutChange } from './rollout-backend.js';

/** How long after the server ends a status stream it is reopened (the server's own retry hint is 3 s). */
const RECONNECT_MS = 1_000;

export class ApiRolloutBackend implements RolloutBackend {
  private readonly client: VaneApiClient;

  constructor(readonly server: string, token: string | undefined, readonly defaultNamespace = 'default') {
    this.client = new VaneApiClient(server, token);
  }

  get description(): string {
    return `the Vane API at ${this.server}`;
  }

  list(namespace?: string): Promise<RolloutSummary[]> {
    return this.client.listRollouts(namespace);
  }

  get(namespace: string, name: string): Promise<RolloutDetail> {
    return this.client.getRollout(namespace, name);
  }

  /** The API lists summaries without history, so each Rollout's detail is read: one request per Rollout. */
  async histories(namespace?: string): Promise<ReleaseHistory[]> {
    const summaries = await this.client.listRollouts(namespace);
    const details = await Promise.all(summaries.map((s) => this.client.getRollout(s.namespace, s.name)));
    return details.map((d) => ({ namespace: d.namespace, name: d.name, history: d.history }));
  }

  command(namespace: string, name: string, action: CommandAction, options: CommandOptions = {}): Promise<CommandReceipt> {
    const verb: CommandVerb = action === 'promote-full' ? 'promote' : action;
    const body = { ...(action === 'promote-full' ? { full: true } : {}), ...(options.reason ? { reason: options.reason } : {}) };
    return this.client.command(namespace, name, verb, Object.keys(body).length > 0 ? body : undefined);
  }

  /** The API writes status only, never a Rollout's spec (docs/adr: commands in status), so it has no way to do this. */
  setImages(): Promise<ImageUpdate> {
    return Promise.reject(
      new VaneError('BadRequest', `set image changes the Rollout's spec, which ${this.description} never writes (it writes status only); drop --server (and VANE_SERVER) to use your kubeconfig`),
    );
  }

  /** Muting writes an annotation (metadata); the API writes status only, so it does not offer it. */
  setMute(): Promise<void> {
    return Promise.reject(
      new VaneError('BadRequest', `mute writes the Rollout's metadata, which ${this.description} never writes (it writes status only); drop --server (and VANE_SERVER) to use your kubeconfig`),
    );
  }

  async watch(namespace: string, name: string, onChange: (summary: RolloutSummary | undefined) => void, signal: AbortSignal): Promise<void> {
    await this.client.watch({ namespace, name }, (message) => onChange(message.type === 'DELETED' ? undefined : message.rollout), signal);
  }

  /** The API's status stream of the namespace; the server ends a stream after its lifetime, and it is reopened. */
  async watchAll(namespace: string | undefined, onChange: (change: RolloutChange) => void, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.client.watch({ namespace }, onChange, signal);
      await setTimeout(RECONNECT_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  close(): void {
    // fetch keeps no state of ours to release.
  }
}
