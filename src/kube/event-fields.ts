// An Event's free-text fields cut to the API server's limits, which it counts in UTF-8 bytes (Go's len), not in
// JavaScript's UTF-16 units: 600 × "é" is 600 units but 1,200 bytes, and an Event over a limit is refused (422).

/** The server's limits for events.k8s.io/v1 (pkg/apis/core/validation/events.go), in bytes. */
export const EVENT_FIELD_LIMITS = {
  note: 1024,
  reason: 128,
  action: 128,
  reportingInstance: 128,
} as const;

/** The longest prefix of `text` that is at most `maxBytes` in UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Back off continuation bytes (10xxxxxx) so the cut falls on the first byte of a character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
