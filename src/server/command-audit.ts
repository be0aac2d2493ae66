// The audit trail of commands: every attempt is logged (actor, groups, action, target, outcome, request id), and a
// written command is also recorded as a Kubernetes Event on the Rollout naming the actor.
import type { Logger } from '../logger.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { CommandAction } from '../resources/rollout.js';
import type { Identity } from './authenticator.js';

export type CommandOutcome = 'accepted' | 'rejected' | 'forbidden' | 'not-found' | 'invalid' | 'rate-limited' | 'error';

export interface CommandAuditEntry {
  requestId: string;
  actor: Identity;
  action: CommandAction;
  namespace: string;
  name: string;
  outcome: CommandOutcome;
  /** The command's id, once written. */
  commandId?: string;
  /** The reason the person gave for the command (abort --reason). */
  commandReason?: string;
  message?: string;
}

export const COMMAND_EVENT_REASON = 'CommandRequested';

export class CommandAudit {
  private readonly log: Logger;

  constructor(logger: Logger, private readonly events: EventRecorder | undefined) {
    this.log = logger.child({ audit: 'command' });
  }

  /** Logs the attempt; for an accepted command also records the Event (best effort: the recorder logs a failure and
   * never throws, as the command is already written and the caller must learn its id). */
  async record(entry: CommandAuditEntry, rollout?: KubeObject): Promise<void> {
    const line = {
      requestId: entry.requestId,
      actor: entry.actor.username,
      groups: entry.actor.groups,
      action: entry.action,
      target: `${entry.namespace}/${entry.name}`,
      outcome: entry.outcome,
      ...(entry.commandId ? { commandId: entry.commandId } : {}),
      ...(entry.commandReason ? { commandReason: entry.commandReason } : {}),
      ...(entry.message ? { reason: entry.message } : {}),
    };
    if (entry.outcome === 'accepted' || entry.outcome === 'rejected') this.log.info(line, `command ${entry.action} ${entry.outcome}`);
    else this.log.warn(line, `command ${entry.action} ${entry.outcome}`);
    if (entry.outcome !== 'accepted' || !rollout || !entry.commandId || !this.events) return;
    await this.events.record(rollout, {
      key: `command/${entry.commandId}`,
      type: 'Normal',
      reason: COMMAND_EVENT_REASON,
      action: entry.action,
      message: `${entry.action} requested by ${entry.actor.username} (command ${entry.commandId}, request ${entry.requestId})${entry.commandReason ? `: ${entry.commandReason}` : ''}`,
    });
  }
}
