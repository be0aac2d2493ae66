// limit/continue paging over consistent snapshots: every page of one list shows the state at its first page.
//
// Stored objects are immutable, so a snapshot is just the array of references the first page saw. Snapshots
// expire (like etcd compaction ending a continue token's life) and then the token answers 410 Expired.
import { randomUUID } from 'node:crypto';
import { badRequest, expired } from './api-status.js';
import type { KubeObject } from './kube-object.js';

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continueToken: string | undefined;
  remainingItemCount: number | undefined;
}

interface Snapshot {
  items: KubeObject[];
  resourceVersion: string;
  expiresAt: number;
}

interface ContinueToken {
  id: string;
  offset: number;
  rv: string;
}

const MAX_SNAPSHOTS = 256;

function encodeToken(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof token.id === 'string' && typeof token.offset === 'number' && typeof token.rv === 'string') return token as ContinueToken;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export class ListPager {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly ttlMs: number) {}

  /** A first page (no continue token): `items` is the whole filtered list at `resourceVersion`. */
  first(items: KubeObject[], resourceVersion: string, limit: number | undefined, countRemaining: boolean): ListPage {
    if (limit === undefined || limit <= 0 || items.length <= limit) {
      return { items, resourceVersion, continueToken: undefined, remainingItemCount: undefined };
    }
    const id = randomUUID();
    this.remember(id, { items, resourceVersion, expiresAt: Date.now() + this.ttlMs });
    return this.slice(id, items, resourceVersion, 0, limit, countRemaining);
  }

  /** A later page, from the snapshot the token names. */
  next(continueToken: string, limit: number | undefined, countRemaining: boolean): ListPage {
    const token = decodeToken(continueToken);
    const snapshot = this.snapshots.get(token.id);
    if (!snapshot || snapshot.expiresAt < Date.now()) {
      this.snapshots.delete(token.id);
      throw expired(EXPIRED_MESSAGE);
    }
    return this.slice(token.id, snapshot.items, snapshot.resourceVersion, token.offset, limit, countRemaining);
  }

  private slice(id: string, all: KubeObject[], resourceVersion: string, offset: number, limit: number | undefined, countRemaining: boolean): ListPage {
    const end = limit === undefined || limit <= 0 ? all.length : Math.min(all.length, offset + limit);
    const items = all.slice(offset, end);
    // The snapshot outlives its last page (until it expires), so a retried request for that page still works.
    if (end >= all.length) return { items, resourceVersion, continueToken: undefined, remainingItemCount: undefined };
    return {
      items,
      resourceVersion,
      continueToken: encodeToken({ id, offset: end, rv: resourceVersion }),
      remainingItemCount: countRemaining ? all.length - end : undefined,
    };
  }

  private remember(id: string, snapshot: Snapshot): void {
    const now = Date.now();
    for (const [key, old] of this.snapshots) {
      if (old.expiresAt < now) this.snapshots.delete(key);
    }
    // Oldest first: Map iteration order is insertion order.
    while (this.snapshots.size >= MAX_SNAPSHOTS) {
      const oldest = this.snapshots.keys().next().value;
      if (oldest === undefined) break;
      this.snapshots.delete(oldest);
    }
    this.snapshots.set(id, snapshot);
  }
}
