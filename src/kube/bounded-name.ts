// Names and label values made from other names, kept within Kubernetes' limits: an object name is at most 253
// characters (a DNS subdomain), a label value at most 63 and must start and end with an alphanumeric. A Rollout's
// name may be 253 characters, so `<rollout>-<hash>` or a label carrying the name can be too long.
//
// Within the limit a value is kept as it is, so every name and label already in a cluster stays the same. Beyond it,
// the value is cut and ends in a hash of the whole of it: still unique, still the same on every pass.
import { createHash } from 'node:crypto';

export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_VALUE_LENGTH = 63;

const HASH_LENGTH = 10;

/** `value` if it is at most `max` characters; else its first characters, '-', and 10 hex characters of its hash. */
export function boundedName(value: string, max: number = MAX_NAME_LENGTH): string {
  if (value.length <= max) return value;
  const prefix = value.slice(0, max - HASH_LENGTH - 1).replace(/[^A-Za-z0-9]+$/, '');
  const digest = createHash('sha256').update(value).digest('hex').slice(0, HASH_LENGTH);
  return prefix === '' ? digest : `${prefix}-${digest}`;
}

/**
 * A label value standing for `name` (e.g. `vane.dev/rollout: <rollout name>`): the name when it fits in 63
 * characters, else 52 of them, '-' and a hash. Whatever selects by such a label builds its value with this too.
 */
export function labelValueFor(name: string): string {
  return boundedName(name, MAX_LABEL_VALUE_LENGTH);
}
