// `vane rollback retry`: a person asks for another try of a git rollback that failed (or is waiting to retry).
// Answered by the Rollout reconciler beside the machine: the record goes back to Pending and the queue picks it up.
import type { CommandAck, RollbackRecord, Rollout } from '../resources/rollout.js';

export const ROLLBACK_RETRY = 'rollback-retry';

/** Why a rollback retry does not apply to this Rollout now; undefined when it does. */
export function rollbackRetryRefusal(rollout: Rollout): string | undefined {
  const git = rollout.status?.rollback?.git;
  if (!git) return 'rollback-retry applies only after an abort that rolled back; this rollout has no rollback';
  if (git.state === 'Failed' || git.state === 'Retrying') return undefined;
  return `rollback-retry applies only to a git rollback that failed or waits to retry; it is ${git.state}`;
}

/** The answer to a pending, unanswered rollback-retry command: the ack, and the record queued again when it applies. */
export function answerRollbackRetry(rollout: Rollout, now: number): { ack: CommandAck; rollback?: RollbackRecord } | undefined {
  const status = rollout.status;
  const command = status?.command;
  if (!command || command.action !== ROLLBACK_RETRY || command.id === status?.lastCommand?.id) return undefined;
  const time = new Date(now).toISOString();
  const refusal = rollbackRetryRefusal(rollout);
  if (refusal !== undefined) return { ack: { id: command.id, action: command.action, result: 'Rejected', message: refusal, time } };
  const rollback = status?.rollback as RollbackRecord & { git: NonNullable<RollbackRecord['git']> };
  const { nextTryAt: _waiting, ...git } = rollback.git;
  return {
    ack: { id: command.id, action: command.action, result: 'Accepted', message: 'rollback-retry accepted; the git rollback is queued again', time },
    rollback: { ...rollback, git: { ...git, state: 'Pending', tries: 0, message: `queued again by ${command.actor}` } },
  };
}
