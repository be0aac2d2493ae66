// Plays the controller's part of the command protocol in tests, until the real controller runs here: reads the
// pending status.command, feeds it to the state machine as the reconciler does, and writes the resulting status with
// the acknowledgement in status.lastCommand. Effects (scaling, traffic) are not executed.
import type { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import { decide, parsePersistedMachineState } from '../../../src/machine/rollout-machine.js';
import type { CommandAck, RolloutStatus } from '../../../src/resources/rollout.js';
import { statusOf } from '../fixtures/machine-states.js';

type RolloutObject = KubeObject & { status?: RolloutStatus };

/** Applies the pending command through the machine and writes status as the controller would; returns the ack. */
export async function applyPendingCommand(kube: KubeClient, namespace: string, name: string): Promise<CommandAck> {
  const rollout = await kube.get<RolloutObject>(Kinds.Rollout, namespace, name);
  const command = rollout?.status?.command;
  if (!rollout?.status?.machine || !command) throw new Error(`no pending command on ${namespace}/${name}`);
  const now = Date.now();
  const decision = decide(parsePersistedMachineState(rollout.status.machine), { type: 'command', action: command.action, id: command.id, actor: command.actor, now });
  const ack = decision.effects.find((e) => e.type === 'ackCommand') as { result: 'Accepted' | 'Rejected'; message: string } | undefined;
  const lastCommand: CommandAck = { id: command.id, action: command.action, result: ack?.result ?? 'Rejected', message: ack?.message, time: new Date(now).toISOString() };
  // A PUT, as the controller writes: a merge patch would delete the nulls status.machine holds.
  await kube.replaceStatus(Kinds.Rollout, { ...rollout, status: { ...rollout.status, ...statusOf(decision), lastCommand } });
  return lastCommand;
}

export interface Acknowledgement {
  result: 'Accepted' | 'Rejected';
  message?: string;
  status?: Partial<RolloutStatus>;
}

/** Acknowledges the pending command with a given answer (for a controller that refuses for its own reasons). */
export async function acknowledgePendingCommand(kube: KubeClient, namespace: string, name: string, ack: Acknowledgement): Promise<string> {
  const rollout = await kube.get<RolloutObject>(Kinds.Rollout, namespace, name);
  const command = rollout?.status?.command;
  if (!rollout || !command) throw new Error(`no pending command on ${namespace}/${name}`);
  await kube.patchStatus(Kinds.Rollout, namespace, name, {
    metadata: { resourceVersion: rollout.metadata.resourceVersion },
    status: { ...ack.status, lastCommand: { id: command.id, action: command.action, result: ack.result, message: ack.message, time: new Date().toISOString() } },
  });
  return command.id;
}
