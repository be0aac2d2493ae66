// The commands a person may press on a rollout, and the API request each one is.
import type { ActionAvailability, DashboardAction } from './api-types.js';

export const ACTIONS: ReadonlyArray<{ action: DashboardAction; label: string }> = [
  { action: 'promote', label: 'Promote' },
  { action: 'promote-full', label: 'Promote full' },
  { action: 'abort', label: 'Abort' },
  { action: 'retry', label: 'Retry' },
  { action: 'pause', label: 'Pause' },
  { action: 'resume', label: 'Resume' },
];

/** Same limit as the API's COMMAND_REASON_MAX_LENGTH: the form refuses what the server would. */
export const REASON_MAX_LENGTH = 512;

/** The POST a command is: its path (below the API root) and its JSON body, if any. */
export function commandRequest(namespace: string, name: string, action: DashboardAction, reason?: string): { path: string; body: unknown } {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/rollouts/${encodeURIComponent(name)}`;
  if (action === 'promote-full') return { path: `${base}/promote`, body: { full: true } };
  const why = reason?.trim() ?? '';
  if (action === 'abort' && why !== '') return { path: `${base}/abort`, body: { reason: why } };
  return { path: `${base}/${action}`, body: undefined };
}

export interface CommandReasons {
  /** What to show beside each disabled button: its own part of the reason. */
  perAction: Partial<Record<DashboardAction, string>>;
  /** What every disabled button's reason shares, said once: the RBAC refusal, a pending command, or the state. */
  shared?: string;
}

/**
 * The reasons of the disabled buttons, without saying the same thing six times. The API refuses every command with
 * the same words when RBAC or a pending command stands in the way, and the state machine ends each refusal with
 * where the rollout is (`promote applies only while ...; phase is Degraded: ...`): the common part is shown once.
 */
export function commandReasons(actions: Partial<Record<DashboardAction, ActionAvailability>> | undefined): CommandReasons {
  const disabled = ACTIONS.flatMap(({ action }) => {
    const availability = actions?.[action];
    return availability && !availability.allowed && availability.reason ? [{ action, reason: availability.reason }] : [];
  });
  const perAction = (pick: (reason: string) => string): Partial<Record<DashboardAction, string>> => Object.fromEntries(disabled.map(({ action, reason }) => [action, pick(reason)]));
  if (disabled.length < 2) return { perAction: perAction((reason) => reason) };
  const first = disabled[0]!.reason;
  if (disabled.every(({ reason }) => reason === first)) return { perAction: {}, shared: first };
  const tail = (reason: string): string | undefined => {
    const at = reason.indexOf('; ');
    return at < 0 ? undefined : reason.slice(at + 2);
  };
  const common = tail(first);
  if (common !== undefined && disabled.every(({ reason }) => tail(reason) === common)) {
    return { perAction: perAction((reason) => reason.slice(0, reason.indexOf('; '))), shared: common };
  }
  return { perAction: perAction((reason) => reason) };
}
