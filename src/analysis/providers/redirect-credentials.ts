// What a metric request may carry across a redirect: credentials stay with the origin they were configured for.

/** Headers that carry credentials whatever the spec calls them; fetch and axios drop these across origins too. */
const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/** True when a redirect from `from` to `to` leaves the origin (scheme, host and port); an https → http hop does. */
export function leavesOrigin(from: URL | string, to: URL | string): boolean {
  try {
    return new URL(from).origin !== new URL(to).origin;
  } catch {
    return true;
  }
}

/**
 * `headers` without those that must not leave the origin: the ones read from Secrets (`secretHeaders`, any case)
 * and the credential headers (a bearer token, Basic auth from the URL, cookies).
 */
export function withoutCredentials<T>(headers: Readonly<Record<string, T>>, secretHeaders: readonly string[]): Record<string, T> {
  const dropped = new Set([...CREDENTIAL_HEADERS, ...secretHeaders.map((name) => name.toLowerCase())]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !dropped.has(name.toLowerCase())));
}
