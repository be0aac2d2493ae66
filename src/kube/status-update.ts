// A status write over a live read: the one way the background writers of an object's status (queues beside its
// reconciler) change it without undoing each other's writes — a 409 reads again and recomputes.
import { isConflict } from './kube-api-error.js';
import type { LiveReader, StatusWriter } from './kube-client.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceKind } from './resource-kind.js';
import type { WriteTracker } from './write-tracker.js';

const WRITE_ATTEMPTS = 5;

type WithStatus = KubeObject & { status?: unknown };

export interface StatusUpdateOptions<T> {
  /** Told of the write under `namespace/name`, so passes over a cache that has not seen it wait. */
  writes?: WriteTracker;
  /** A live read just taken: the first try writes over it instead of reading again. */
  read?: T;
}

/**
 * Reads `kind` `namespace/name` live, asks `change` for its new status and writes it with the read's
 * resourceVersion; on a 409, reads and asks again (up to 5 tries). `change` returns undefined when there is nothing
 * to write (the object moved on); so does the whole call, as when the object is gone. Returns the written object.
 */
export async function updateStatusOverLiveRead<T extends WithStatus>(
  client: LiveReader & StatusWriter,
  kind: ResourceKind,
  target: { namespace?: string | undefined; name: string },
  change: (live: T) => T['status'] | undefined,
  options: StatusUpdateOptions<T> = {},
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    const live = attempt === 1 && options.read ? options.read : await client.get<T>(kind, target.namespace, target.name);
    if (!live) return undefined;
    const status = change(live);
    if (status === undefined) return undefined;
    try {
      const written = await client.replaceStatus<T>(kind, { ...live, status });
      options.writes?.wrote(`${target.namespace ?? ''}/${target.name}`, live.metadata.resourceVersion, written.metadata.resourceVersion);
      return written;
    } catch (err) {
      if (!isConflict(err) || attempt >= WRITE_ATTEMPTS) throw err;
    }
  }
}
