// The CommandPolicy of the state machine: a command applies when the machine, restored from `status.machine`,
// would take it now; otherwise the reason is the rejection the controller itself would acknowledge with. A rollback
// retry is asked of the git rollback record instead, as the controller answers it.
import { TerminalError } from '../errors.js';
import { decide, parsePersistedMachineState } from '../machine/rollout-machine.js';
import type { CommandAction, Rollout } from '../resources/rollout.js';
import { rollbackRetryRefusal } from '../reconcile/rollback-retry.js';
import type { CommandPolicy, CommandVerdict } from './command-policy.js';

export const machineCommandPolicy: CommandPolicy = {
  check(rollout: Rollout, action: CommandAction, context: { id: string; actor: string; now: Date }): CommandVerdict {
    if (action === 'rollback-retry') {
      const refusal = rollbackRetryRefusal(rollout);
      return refusal === undefined ? { applies: true } : { applies: false, reason: refusal };
    }
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide(parsePersistedMachineState(rollout.status?.machine), { type: 'command', action, id: context.id, actor: context.actor, now: context.now.getTime() });
    } catch (err) {
      // A state this build cannot read (written by a newer controller during an upgrade): the controller is the
      // authority, so let the command through; it acknowledges Rejected if it must.
      if (err instanceof TerminalError) return { applies: true };
      throw err;
    }
    if (decision.handled) return { applies: true };
    const ack = decision.effects.find((effect) => effect.type === 'ackCommand');
    return { applies: false, reason: ack && 'message' in ack ? ack.message : `${action} does not apply in the current state` };
  },
};
