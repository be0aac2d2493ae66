// Times as people read them on a screen: an age ("3m12s ago", "2h"), a countdown, and the absolute time for a tooltip.

/** A duration in the two largest units: "45s", "3m12s", "2h5m", "3d4h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function parseTime(iso: string | undefined): number | undefined {
  if (iso === undefined || iso === '') return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How long ago, without a suffix (a list's age column): "2h". A time ahead of the clock (skew) reads "0s". */
export function formatAge(iso: string | undefined, nowMs: number): string {
  const at = parseTime(iso);
  return at === undefined ? '—' : formatDuration(nowMs - at);
}

/** "3m12s ago". */
export function formatAgo(iso: string | undefined, nowMs: number): string {
  const at = parseTime(iso);
  return at === undefined ? '—' : `${formatDuration(nowMs - at)} ago`;
}

/** What is left until a time: "1m05s left", or "ending" once it has passed. */
export function formatCountdown(iso: string | undefined, nowMs: number): string {
  const at = parseTime(iso);
  if (at === undefined) return '—';
  return at > nowMs ? `${formatDuration(at - nowMs + 999)} left` : 'ending';
}

/** The absolute time, in UTC ISO 8601 to the second, for the `title` of an age. */
export function absoluteTime(iso: string | undefined): string {
  const at = parseTime(iso);
  return at === undefined ? '' : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
