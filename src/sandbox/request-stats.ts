// Counts API requests by verb, group/resource(/subresource), scope and user: for benchmarks and the RBAC audit.

/** What one finished request did, as `onRequest` listeners see it. */
export interface RequestRecord {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  user: string;
  /** HTTP status; 200 for a watch that streamed (its errors arrive as ERROR events). */
  code: number;
  durationMs: number;
}

export interface StatsEntry {
  verb: string;
  group: string;
  resource: string;
  subresource: string | undefined;
  /** `namespace` when the request named a namespace, `cluster` for cluster-scoped or all-namespace requests. */
  scope: 'namespace' | 'cluster';
  user: string;
  count: number;
}

export interface StatsSnapshot {
  total: number;
  entries: StatsEntry[];
  /** Non-resource requests (discovery, /version, /openapi) by path. */
  nonResource: Record<string, number>;
}

export type RequestListener = (record: RequestRecord) => void;

export interface CountedRequest {
  verb: string;
  group: string;
  resource: string;
  subresource: string | undefined;
  namespace: string | undefined;
  user: string;
}

function scopeOf(request: CountedRequest): StatsEntry['scope'] {
  return request.namespace === undefined ? 'cluster' : 'namespace';
}

function entryKey(e: Omit<StatsEntry, 'count'>): string {
  return [e.verb, e.group, e.resource, e.subresource ?? '', e.scope, e.user].join('|');
}

export class RequestStats {
  private entries = new Map<string, StatsEntry>();
  private nonResource = new Map<string, number>();
  private total = 0;
  private readonly listeners = new Set<RequestListener>();

  /** Counts a resource request when it arrives (a long watch counts at its start). */
  count(request: CountedRequest): void {
    this.total += 1;
    const fields = { verb: request.verb, group: request.group, resource: request.resource, subresource: request.subresource, scope: scopeOf(request), user: request.user };
    const key = entryKey(fields);
    const entry = this.entries.get(key);
    if (entry) entry.count += 1;
    else this.entries.set(key, { ...fields, count: 1 });
  }

  countNonResource(path: string): void {
    this.total += 1;
    this.nonResource.set(path, (this.nonResource.get(path) ?? 0) + 1);
  }

  /** Tells listeners about a finished request. */
  finished(record: RequestRecord): void {
    for (const listener of this.listeners) listener(record);
  }

  snapshot(): StatsSnapshot {
    const entries = [...this.entries.values()]
      .map((e) => ({ ...e }))
      .sort((a, b) => entryKey(a).localeCompare(entryKey(b)));
    return { total: this.total, entries, nonResource: Object.fromEntries(this.nonResource) };
  }

  reset(): void {
    this.entries = new Map();
    this.nonResource = new Map();
    this.total = 0;
  }

  /** Subscribes to finished requests; returns the unsubscribe function. */
  onRequest(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
