// One rollout's detail kept current: fetched, then fetched again on each message of its watch stream (at most one
// request in flight; messages during it cause exactly one more), with the stream's weights kept for the chart.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiRequestError, type ApiClient } from './api-client.js';
import type { RolloutDetail, WatchMessage, WeightPoint } from './api-types.js';
import { openEventStream } from './event-stream.js';
import { appendWeight } from './weight-series.js';

export interface RolloutDetailState {
  detail?: RolloutDetail;
  error?: ApiRequestError;
  /** The rollout was deleted while shown. */
  deleted: boolean;
  /** Canary weights the stream reported, with when they arrived. */
  liveWeights: WeightPoint[];
  refresh: () => void;
}

export function useRolloutDetail(client: ApiClient, namespace: string, name: string): RolloutDetailState {
  const [detail, setDetail] = useState<RolloutDetail | undefined>();
  const [error, setError] = useState<ApiRequestError | undefined>();
  const [deleted, setDeleted] = useState(false);
  const [liveWeights, setLiveWeights] = useState<WeightPoint[]>([]);
  const inFlight = useRef(false);
  const again = useRef(false);
  const mounted = useRef(true);
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/rollouts/${encodeURIComponent(name)}`;

  const refresh = useCallback((): void => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    const load = async (): Promise<void> => {
      try {
        do {
          again.current = false;
          await loadOnce();
        } while (again.current && mounted.current);
      } finally {
        // Cleared in the same turn as the last check of `again`, so no message can fall between the two.
        inFlight.current = false;
      }
    };
    const loadOnce = async (): Promise<void> => {
      try {
        const next = await client.get<RolloutDetail>(path);
        if (!mounted.current) return;
        setDetail(next);
        setError(undefined);
      } catch (err) {
        if (!mounted.current) return;
        setError(err instanceof ApiRequestError ? err : new ApiRequestError(0, 'Network', String(err)));
      }
    };
    void load();
  }, [client, path]);

  useEffect(() => {
    mounted.current = true;
    refresh();
    const stream = openEventStream({
      url: `${path}/watch`,
      token: client.token,
      onEvent: (event) => {
        let message: WatchMessage;
        try {
          message = JSON.parse(event.data) as WatchMessage;
        } catch {
          return;
        }
        if (message.type === 'DELETED') {
          setDeleted(true);
          return;
        }
        setDeleted(false);
        const canary = message.rollout?.weights?.canary;
        setLiveWeights((points) => appendWeight(points, new Date().toISOString(), canary));
        refresh();
      },
      onFatal: (err) => {
        if (err.unauthorized) client.reportUnauthorized(err);
        else setError(err);
      },
    });
    return () => {
      mounted.current = false;
      stream.close();
    };
  }, [client, path, refresh]);

  return { ...(detail ? { detail } : {}), ...(error ? { error } : {}), deleted, liveWeights, refresh };
}
