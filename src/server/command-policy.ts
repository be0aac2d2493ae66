// Whether a command applies to a Rollout in its current state: the CommandPolicy port, asked before a command is
// written so that a person gets a 409 with the reason at once instead of a Rejected acknowledgement later.
import type { CommandAction, Rollout } from '../resources/rollout.js';

export type CommandVerdict = { applies: true } | { applies: false; reason: string };

export interface CommandPolicy {
  check(rollout: Rollout, action: CommandAction, context: { id: string; actor: string; now: Date }): CommandVerdict;
}

/**
 * The checks that hold whatever the state machine says: the controller must have reconciled the Rollout once (there is
 * no machine state to apply a command to otherwise), and a command still waiting for its acknowledgement must not be
 * overwritten by the next one.
 */
export function protocolVerdict(rollout: Rollout): CommandVerdict {
  const status = rollout.status;
  if (!status?.machine) return { applies: false, reason: 'rollout has not been reconciled yet' };
  const pending = status.command;
  if (pending && pending.id !== status.lastCommand?.id) {
    return { applies: false, reason: `command ${pending.id} (${pending.action} by ${pending.actor}) is still pending` };
  }
  return { applies: true };
}
