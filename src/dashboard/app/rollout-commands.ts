// The commands a person may press on a rollout, and the API request each one is.
import type { DashboardAction } from './api-types.js';

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
