// The login form: a bearer token, checked with GET /api/v1/whoami before anything else is shown.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiClient, ApiRequestError } from './api-client.js';
import type { WhoAmI } from './api-types.js';

export const TOKEN_NOT_ACCEPTED = 'token not accepted';

/** Asks who a token is; a 401 becomes the login form's message. */
export async function checkToken(token: string): Promise<WhoAmI> {
  return new ApiClient({ token }).get<WhoAmI>('/api/v1/whoami');
}

export function loginErrorText(err: unknown): string {
  if (err instanceof ApiRequestError) return err.unauthorized ? TOKEN_NOT_ACCEPTED : `the token could not be checked: ${err.message}`;
  return `the token could not be checked: ${err instanceof Error ? err.message : String(err)}`;
}

export function LoginPage(props: { error?: string; onLogin: (token: string, who: WhoAmI) => void }): JSX.Element {
  const [token, setToken] = useState('');
  const [error, setError] = useState(props.error);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const value = token.trim();
    if (value === '') {
      setError('enter a bearer token');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const who = await checkToken(value);
      props.onLogin(value, who);
    } catch (err) {
      setError(loginErrorText(err));
      setBusy(false);
      // The button was disabled while checking, which dropped the focus: give it back where the fix is typed.
      input.current?.select();
    }
  };

  return (
    <main class="login">
      <form class="login-form" data-testid="login-form" onSubmit={(e) => void submit(e)} aria-describedby="login-help">
        <h1>Vane</h1>
        <p id="login-help">Sign in with a bearer token: a Kubernetes token your cluster accepts, or a static API token.</p>
        <label for="login-token">Bearer token</label>
        <input
          ref={input}
          id="login-token"
          data-testid="login-token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <button type="submit" class="primary" data-testid="login-submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error !== undefined && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <p class="hint">The token stays in this tab only (session storage) and is sent as an Authorization header.</p>
      </form>
    </main>
  );
}
