// Which commands a caller may send to a Rollout now, and why not: the same three checks a command meets when it is
// sent (the protocol — reconciled, nothing pending —, the caller's RBAC, then the state machine), asked ahead so a
// screen can disable a button with the reason instead of showing a 409 after the press.
import type { CommandAction, Rollout } from '../resources/rollout.js';
import { protocolVerdict, type CommandPolicy } from './command-policy.js';
import type { ActionAvailability, DashboardAction } from './rollout-view.js';

export const DASHBOARD_ACTIONS: readonly DashboardAction[] = ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume'];

export interface AvailabilityContext {
  /** Whether the caller may `update rollouts/status` in the Rollout's namespace, as RBAC answered. */
  access: ActionAvailability;
  policy: CommandPolicy;
  actor: string;
  now: Date;
}

export function commandAvailability(rollout: Rollout, context: AvailabilityContext): Record<DashboardAction, ActionAvailability> {
  const protocol = protocolVerdict(rollout);
  const entries = DASHBOARD_ACTIONS.map((action): [DashboardAction, ActionAvailability] => [action, availabilityOf(rollout, action, protocol, context)]);
  return Object.fromEntries(entries) as Record<DashboardAction, ActionAvailability>;
}

function availabilityOf(rollout: Rollout, action: CommandAction, protocol: ReturnType<typeof protocolVerdict>, context: AvailabilityContext): ActionAvailability {
  if (!context.access.allowed) return { allowed: false, reason: context.access.reason ?? 'RBAC does not allow you to update rollouts/status here' };
  if (!protocol.applies) return { allowed: false, reason: protocol.reason };
  const verdict = context.policy.check(rollout, action, { id: 'availability', actor: context.actor, now: context.now });
  return verdict.applies ? { allowed: true } : { allowed: false, reason: verdict.reason };
}
