// The bearer token of this tab: kept in sessionStorage (this tab, this origin) and never in a URL or a cookie.
const KEY = 'vane.token';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    // Storage can be off (privacy settings); the user then logs in again on reload.
    return undefined;
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Without storage the token lives only in memory for this page.
  }
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
