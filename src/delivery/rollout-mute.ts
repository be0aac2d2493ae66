// Whether a person muted a Rollout's notifications (MUTE_ANNOTATION): "true" for good, an RFC 3339 time until then.
import { MUTE_ANNOTATION } from '../resources/notifier.js';

/** True while the annotation mutes: "true", or a time still in the future. Anything else does not mute. */
export function isMuted(annotations: Readonly<Record<string, string>> | undefined, now: number): boolean {
  const value = annotations?.[MUTE_ANNOTATION]?.trim();
  if (value === undefined || value === '') return false;
  if (value === 'true') return true;
  const until = Date.parse(value);
  return Number.isFinite(until) && until > now;
}

/** The annotation value that mutes until `now + forMs`, or for good without a duration. */
export function muteValue(now: number, forMs?: number): string {
  return forMs === undefined ? 'true' : new Date(now + forMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
