// Writes a person's command into a Rollout's status subresource (never spec, never workloads): the command protocol.
//
// The write is a merge patch carrying the resourceVersion it was decided on, so a concurrent status write answers 409
// and the decision is taken again on a fresh read instead of overwriting a command or state it did not see.
import { randomUUID } from 'node:crypto';
import { VaneError } from '../errors.js';
import { KubeApiError } from '../kube/kube-api-error.js';
import type { LiveReader, StatusWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { CommandAction, Rollout, RolloutCommand } from '../resources/rollout.js';
import { protocolVerdict, type CommandPolicy } from './command-policy.js';

export interface CommandTarget {
  namespace: string;
  name: string;
}

type RolloutObject = Rollout & KubeObject;

export interface WrittenCommand {
  command: RolloutCommand;
  /** The Rollout as the status write returned it. */
  rollout: RolloutObject;
}

export interface CommandWriterDeps {
  reader: Pick<LiveReader, 'get'>;
  status: Pick<StatusWriter, 'patchStatus'>;
  /** State-machine check; absent means only the protocol checks apply (see command-policy.ts). */
  policy?: CommandPolicy;
  newId?: () => string;
  now?: () => Date;
  maxAttempts?: number;
}

/** A command refused because of the Rollout's state; answered 409 with the reason. */
export class CommandRejectedError extends VaneError {
  constructor(readonly target: CommandTarget, readonly action: CommandAction, readonly reason: string) {
    super('Conflict', `${action} does not apply to rollout ${target.namespace}/${target.name}: ${reason}`);
    this.name = 'CommandRejectedError';
  }
}

export class RolloutCommandWriter {
  private readonly newId: () => string;
  private readonly now: () => Date;

  constructor(private readonly deps: CommandWriterDeps) {
    this.newId = deps.newId ?? randomUUID;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Decides on `current` when given (a cached copy), else on a live read, and writes `status.command` (with the
   * reason the person gave, if any).
   * Throws NotFound, CommandRejectedError, or Conflict when the Rollout keeps changing under us.
   */
  async write(target: CommandTarget, action: CommandAction, actor: string, current?: Rollout, options: { reason?: string } = {}): Promise<WrittenCommand> {
    const command: RolloutCommand = { id: this.newId(), action, actor, time: this.now().toISOString(), ...(options.reason ? { reason: options.reason } : {}) };
    const attempts = this.deps.maxAttempts ?? 5;
    let rollout: Rollout = current ?? (await this.read(target));
    for (let attempt = 1; ; attempt++) {
      this.check(rollout, target, command);
      try {
        const written = await this.patch(target, rollout, command);
        return { command, rollout: written };
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409) || attempt >= attempts) throw err;
      }
      rollout = await this.read(target);
    }
  }

  private check(rollout: Rollout, target: CommandTarget, command: RolloutCommand): void {
    const verdict = protocolVerdict(rollout);
    if (!verdict.applies) throw new CommandRejectedError(target, command.action, verdict.reason);
    const decided = this.deps.policy?.check(rollout, command.action, { id: command.id, actor: command.actor, now: new Date(command.time) });
    if (decided && !decided.applies) throw new CommandRejectedError(target, command.action, decided.reason);
  }

  private async read(target: CommandTarget): Promise<RolloutObject> {
    const rollout = await this.deps.reader.get<RolloutObject>(Kinds.Rollout, target.namespace, target.name);
    if (!rollout) throw new VaneError('NotFound', `rollout ${target.namespace}/${target.name} not found`);
    return rollout;
  }

  private patch(target: CommandTarget, rollout: Rollout, command: RolloutCommand): Promise<RolloutObject> {
    const patch = { metadata: { resourceVersion: rollout.metadata.resourceVersion }, status: { command } };
    return this.deps.status.patchStatus<RolloutObject>(Kinds.Rollout, target.namespace, target.name, patch, 'merge');
  }
}
