// The rollouts list: every rollout the token may list, live from the watch stream, filtered, searched and windowed.
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiClient, ApiRequestError } from './api-client.js';
import { openEventStream } from './event-stream.js';
import { namespacesOf, rolloutKey, visibleRollouts, type ListFilter } from './rollout-order.js';
import { RolloutListStore } from './rollout-list-store.js';
import { RolloutRow } from './rollout-row.js';
import type { RolloutSummary } from './api-types.js';
import { useMediaQuery } from './use-media-query.js';
import { useNow } from './use-now.js';
import { VirtualList } from './virtual-list.js';

/** Row heights, set on each row by the list: the stylesheet lays a row out in one line wide and in two on a phone. */
export const ROW_HEIGHT_WIDE = 44;
export const ROW_HEIGHT_NARROW = 68;
export const NARROW_QUERY = '(max-width: 720px)';
/** A reconnect's snapshot counts as complete after this long without a message. */
const SNAPSHOT_QUIET_MS = 1_500;

let listRenderedMarked = false;

type StreamState = { state: 'connecting' } | { state: 'live' } | { state: 'retrying'; reason: string } | { state: 'stopped'; error: ApiRequestError };

/** The stream of one namespace's rollouts, or of all namespaces' for ''. */
export function watchUrl(namespace: string): string {
  return namespace === '' ? '/api/v1/watch' : `/api/v1/watch?namespace=${encodeURIComponent(namespace)}`;
}

/** The store, re-rendered at most once per animation frame however many messages arrive. */
function useLiveRollouts(client: ApiClient, scope: string): { version: number; store: RolloutListStore; stream: StreamState } {
  const store = useMemo(() => new RolloutListStore(), []);
  const [version, setVersion] = useState(0);
  const [stream, setStream] = useState<StreamState>({ state: 'connecting' });

  useEffect(() => {
    let frame: number | undefined;
    let quiet: number | undefined;
    store.clear();
    setStream({ state: 'connecting' });
    const render = (): void => {
      if (frame !== undefined) return;
      frame = window.requestAnimationFrame(() => {
        frame = undefined;
        setVersion(store.changeCount);
      });
    };
    const handle = openEventStream({
      url: watchUrl(scope),
      token: client.token,
      onOpen: () => {
        store.startSnapshot();
        setStream({ state: 'live' });
      },
      onEvent: (event) => {
        let message: unknown;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (!store.apply(message)) return;
        window.clearTimeout(quiet);
        quiet = window.setTimeout(() => {
          store.endSnapshot();
          render();
        }, SNAPSHOT_QUIET_MS);
        render();
      },
      onRetry: (_delay, reason) => setStream({ state: 'retrying', reason }),
      onFatal: (error) => {
        if (error.unauthorized) client.reportUnauthorized(error);
        setStream({ state: 'stopped', error });
      },
    });
    return () => {
      handle.close();
      if (frame !== undefined) window.cancelAnimationFrame(frame);
      window.clearTimeout(quiet);
    };
  }, [client, store, scope]);

  return { version, store, stream };
}

export function RolloutListPage(props: { client: ApiClient }): JSX.Element {
  // '' watches all namespaces; a caller who may list only some namespaces watches the one they name.
  const [scope, setScope] = useState('');
  const { version, store, stream } = useLiveRollouts(props.client, scope);
  const [filter, setFilter] = useState<ListFilter>({ namespace: '', search: '' });
  const chooseNamespace = (namespace: string): void => {
    setFilter({ ...filter, namespace });
    // Back to all namespaces, or to a namespace outside the one watched: the stream has to change.
    if (scope !== '' && namespace !== scope) setScope(namespace);
  };
  const narrow = useMediaQuery(NARROW_QUERY);
  const now = useNow(5_000);

  const all = useMemo(() => [...store.values()], [store, version]);
  const rows = useMemo(() => visibleRollouts(all, filter), [all, filter]);
  const namespaces = useMemo(() => namespacesOf(all), [all]);

  const marked = useRef(listRenderedMarked);
  useEffect(() => {
    if (marked.current || rows.length === 0) return;
    marked.current = true;
    listRenderedMarked = true;
    performance.mark('vane:list-rendered');
  }, [rows.length]);

  return (
    <main class="page list-page">
      <div class="toolbar">
        <h1>Rollouts</h1>
        <div class="filters">
          <label>
            <span>Namespace</span>
            <select data-testid="namespace-filter" value={filter.namespace} onChange={(e) => chooseNamespace(e.currentTarget.value)}>
              <option value="">all namespaces</option>
              {filter.namespace !== '' && !namespaces.includes(filter.namespace) && <option value={filter.namespace}>{filter.namespace}</option>}
              {namespaces.map((ns) => (
                <option key={ns} value={ns}>
                  {ns}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Search</span>
            <input
              type="search"
              data-testid="search"
              placeholder="name, namespace or image"
              value={filter.search}
              onInput={(e) => setFilter({ ...filter, search: e.currentTarget.value })}
            />
          </label>
        </div>
        <p class="list-count" data-testid="list-count" aria-live="polite">
          {rows.length} {rows.length === 1 ? 'rollout' : 'rollouts'}
          {rows.length !== all.length ? ` of ${all.length}` : ''}
        </p>
        <StreamNote stream={stream} />
      </div>
      {stream.state === 'stopped' && stream.error.status === 403 && scope === '' && (
        <NamespaceForm
          onChoose={(namespace) => {
            setScope(namespace);
            setFilter({ ...filter, namespace });
          }}
        />
      )}
      <div class="list-header" aria-hidden="true">
        <span>Rollout</span>
        <span>Phase</span>
        <span>Step</span>
        <span>Weight</span>
        <span>Images</span>
        <span>Age</span>
        <span>Last event</span>
      </div>
      <VirtualList<RolloutSummary>
        items={rows}
        rowHeight={narrow ? ROW_HEIGHT_NARROW : ROW_HEIGHT_WIDE}
        testId="rollout-list"
        label="Rollouts"
        itemKey={rolloutKey}
        renderRow={(rollout) => <RolloutRow rollout={rollout} now={now} />}
        empty={<p class="empty">{emptyText(stream, all.length)}</p>}
      />
    </main>
  );
}

/** For a caller RBAC lets list only some namespaces: which one to watch. */
function NamespaceForm(props: { onChoose: (namespace: string) => void }): JSX.Element {
  const [value, setValue] = useState('');
  return (
    <form
      class="namespace-form"
      data-testid="namespace-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim() !== '') props.onChoose(value.trim());
      }}
    >
      <label for="namespace-scope">You may not list the rollouts of all namespaces. Show the rollouts of namespace</label>
      <input id="namespace-scope" data-testid="namespace-scope" type="text" value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
      <button type="submit">Show</button>
    </form>
  );
}

function emptyText(stream: StreamState, total: number): string {
  if (total > 0) return 'No rollout matches the filter.';
  if (stream.state === 'connecting') return 'Loading rollouts…';
  if (stream.state === 'stopped') return 'The list could not be loaded.';
  return 'No rollouts.';
}

function StreamNote(props: { stream: StreamState }): JSX.Element | null {
  const { stream } = props;
  if (stream.state === 'retrying') {
    return (
      <p class="stream-note" role="status">
        Live updates interrupted ({stream.reason}); reconnecting…
      </p>
    );
  }
  if (stream.state === 'stopped') {
    return (
      <p class="error" role="alert" data-testid="list-error">
        {stream.error.message}
      </p>
    );
  }
  if (stream.state === 'live') {
    return (
      <p class="stream-note live" role="status">
        <span aria-hidden="true">●</span> live
      </p>
    );
  }
  return null;
}
