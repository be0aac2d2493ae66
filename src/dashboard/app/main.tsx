// The dashboard's entry: the session (token + who it is), the hash route, and the page it names.
import type { JSX } from 'preact';
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api-client.js';
import type { WhoAmI } from './api-types.js';
import { LIST_HREF, parseRoute, type Route } from './hash-route.js';
import { LoginPage, TOKEN_NOT_ACCEPTED, checkToken, loginErrorText } from './login-page.js';
import { RolloutListPage } from './rollout-list-page.js';
import { RolloutPage } from './rollout-page.js';
import { clearToken, readToken, saveToken } from './session-token.js';

type Session = { state: 'checking'; token: string } | { state: 'out'; error?: string } | { state: 'in'; token: string; who: WhoAmI };

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function initialSession(): Session {
  const token = readToken();
  return token === undefined ? { state: 'out' } : { state: 'checking', token };
}

function App(): JSX.Element {
  const [session, setSession] = useState<Session>(initialSession);
  const route = useHashRoute();

  const logout = useCallback((error?: string): void => {
    clearToken();
    setSession(error === undefined ? { state: 'out' } : { state: 'out', error });
  }, []);

  // A token kept from earlier in this tab is checked again before anything is shown with it.
  useEffect(() => {
    if (session.state !== 'checking') return;
    let current = true;
    checkToken(session.token).then(
      (who) => current && setSession({ state: 'in', token: session.token, who }),
      (err: unknown) => current && logout(loginErrorText(err)),
    );
    return () => {
      current = false;
    };
  }, [session, logout]);

  const token = session.state === 'in' ? session.token : undefined;
  const client = useMemo(() => (token === undefined ? undefined : new ApiClient({ token, onUnauthorized: () => logout(TOKEN_NOT_ACCEPTED) })), [token, logout]);

  if (session.state === 'checking') return <p class="empty">Checking the saved token…</p>;
  if (session.state === 'out' || client === undefined) {
    return (
      <LoginPage
        {...(session.state === 'out' && session.error !== undefined ? { error: session.error } : {})}
        onLogin={(value, who) => {
          saveToken(value);
          setSession({ state: 'in', token: value, who });
        }}
      />
    );
  }
  return (
    <>
      <header class="topbar">
        <a class="brand" href={LIST_HREF}>
          Vane
        </a>
        <span class="whoami">
          <span class="muted">signed in as </span>
          <strong data-testid="whoami" title={session.who.groups.join(', ')}>
            {session.who.user}
          </strong>
        </span>
        <button
          type="button"
          data-testid="logout"
          onClick={() => {
            logout();
            window.location.hash = LIST_HREF;
          }}
        >
          Log out
        </button>
      </header>
      {route.page === 'rollout' ? (
        <RolloutPage key={`${route.namespace}/${route.name}`} client={client} namespace={route.namespace} name={route.name} />
      ) : (
        <RolloutListPage client={client} />
      )}
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
