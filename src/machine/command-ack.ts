// How a command is answered: Accepted with what it did, or Rejected with why it does not apply right now.
import type { CommandAction } from '../resources/rollout.js';
import type { Effect } from './effects.js';
import type { CommandEvent } from './rollout-event.js';
import type { RolloutView } from './rollout-view.js';

export function acceptedAck(event: CommandEvent, after: RolloutView): Effect {
  return { type: 'ackCommand', id: event.id, action: event.action, result: 'Accepted', message: `${event.action} accepted; ${after.message}` };
}

export function rejectedAck(event: CommandEvent, before: RolloutView): Effect {
  return { type: 'ackCommand', id: event.id, action: event.action, result: 'Rejected', message: rejectionReason(event.action, before) };
}

/** One sentence: what the command needs, then where the rollout is. */
export function rejectionReason(action: CommandAction, view: RolloutView): string {
  const where = view.phase === 'Healthy' ? `phase is ${view.phase}` : `phase is ${view.phase}: ${view.message}`;
  switch (action) {
    case 'promote':
      return `promote applies only while a rollout waits at a pause, an analysis or a promotion; ${where}`;
    case 'promote-full':
      return `promote-full applies only to a rollout in progress; ${where}`;
    case 'abort':
      return `abort applies only to a progressing or paused rollout; ${where}`;
    case 'retry':
      return `retry applies only to an aborted rollout; ${where}`;
    case 'pause':
      return view.pauseConditions.some((p) => p.reason === 'UserPause')
        ? 'pause does not apply: the rollout is already paused by a user'
        : `pause applies only to a progressing rollout; ${where}`;
    case 'resume':
      return `resume applies only to a rollout paused by a user, by an inconclusive analysis or at an indefinite pause; ${where}`;
    case 'rollback-retry':
      return 'rollback-retry is answered by the git rollback, not the rollout machine';
  }
}
