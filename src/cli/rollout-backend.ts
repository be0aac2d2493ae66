// The CLI's port to rollouts: the same operations whether it talks to Vane's API (`--server`) or straight to the
// cluster from the kubeconfig; one file per implementation.
import type { CommandAction, RevisionRecord } from '../resources/rollout.js';
import type { RolloutDetail, RolloutSummary } from '../server/rollout-view.js';

/** Why a command is given (abort --reason); it lands in status, the abort message, Events and the audit log. */
export interface CommandOptions {
  reason?: string;
}

/** A change to the images of a Rollout's pod template, container by container (`*`: every container). */
export type ImageChanges = ReadonlyArray<{ container: string; image: string }>;

export interface ImageUpdate {
  /** What changed, container by container; empty when every container already ran its image. */
  changed: Array<{ container: string; from: string; to: string }>;
}

export interface CommandReceipt {
  id: string;
  action: CommandAction;
}

/** One change in a list of rollouts; a list watch starts with ADDED for every rollout there is. */
export interface RolloutChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rollout: RolloutSummary;
}

/** A Rollout's release records (status.history), what `vane report` computes from. */
export interface ReleaseHistory {
  namespace: string;
  name: string;
  history: RevisionRecord[];
}

export interface RolloutBackend {
  /** Where commands and reads go, for messages ("the API at ...", "cluster ..."). */
  readonly description: string;
  /** The namespace used when the user gives none. */
  readonly defaultNamespace: string;
  list(namespace?: string): Promise<RolloutSummary[]>;
  get(namespace: string, name: string): Promise<RolloutDetail>;
  /** The release records of every Rollout of the namespace (all namespaces when undefined), sorted by namespace and name. */
  histories(namespace?: string): Promise<ReleaseHistory[]>;
  command(namespace: string, name: string, action: CommandAction, options?: CommandOptions): Promise<CommandReceipt>;
  /** Sets container images in the Rollout's pod template (spec), which starts a release. */
  setImages(namespace: string, name: string, changes: ImageChanges): Promise<ImageUpdate>;
  /** Sets (a value) or removes (undefined) the Rollout's MUTE_ANNOTATION: metadata only, never spec or status. */
  setMute(namespace: string, name: string, value: string | undefined): Promise<void>;
  /** Calls `onChange` with the rollout's summary on every status change (undefined when it is deleted) until the
   * signal aborts. */
  watch(namespace: string, name: string, onChange: (summary: RolloutSummary | undefined) => void, signal: AbortSignal): Promise<void>;
  /** Calls `onChange` for every rollout of the namespace (all namespaces when undefined), then for each change,
   * until the signal aborts; reconnects by itself, so a rollout may be reported again unchanged. */
  watchAll(namespace: string | undefined, onChange: (change: RolloutChange) => void, signal: AbortSignal): Promise<void>;
  close(): void;
}
