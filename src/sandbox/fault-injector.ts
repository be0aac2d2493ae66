// Runtime-configurable failures for resilience tests: error responses, delays and dropped watches, drawn from a
// seeded generator so a failing run can be replayed. Requests from fault-exempt users are never touched.
import { ApiStatusError, conflict, internalError, tooManyRequests } from './api-status.js';
import type { Verb } from './resource-type.js';
import { seededRandom } from '../seeded-random.js';

/** Which requests a fault applies to; every given field must match, absent fields match anything. */
export interface RequestMatch {
  verbs?: readonly Verb[];
  group?: string;
  resources?: readonly string[];
  subresource?: string;
  namespace?: string;
}

export interface ErrorFault extends RequestMatch {
  status: 409 | 429 | 500 | 503;
  /** Share of matching requests that fail, 0..1 (default 1). */
  fraction?: number;
  /** Retry-After for 429 and 503 (default 1). */
  retryAfterSeconds?: number;
  /** Stop after this many injections. */
  times?: number;
}

export interface DelayFault extends RequestMatch {
  delayMs: number;
  fraction?: number;
  times?: number;
}

/** The facts about a request a fault is matched against. */
export interface FaultRequest {
  verb: Verb;
  group: string;
  resource: string;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
}

export interface FaultDecision {
  delayMs: number;
  error: ApiStatusError | undefined;
}

export interface FaultHandle {
  /** How many requests this fault has hit so far. */
  readonly hits: number;
  remove(): void;
}

export type WatchDropper = (match: RequestMatch) => number;

interface Rule<F> {
  fault: F;
  hits: number;
}


export function matchesRequest(match: RequestMatch, request: Omit<FaultRequest, 'name'>): boolean {
  if (match.verbs && !match.verbs.includes(request.verb)) return false;
  if (match.group !== undefined && match.group !== request.group) return false;
  if (match.resources && !match.resources.includes(request.resource)) return false;
  if (match.subresource !== undefined && match.subresource !== request.subresource) return false;
  return match.namespace === undefined || match.namespace === request.namespace;
}

function errorFor(fault: ErrorFault, request: FaultRequest): ApiStatusError {
  switch (fault.status) {
    case 409:
      return conflict({ group: request.group, resource: request.resource, name: request.name ?? '' }, 'injected conflict');
    case 429:
      return tooManyRequests(fault.retryAfterSeconds ?? 1);
    case 503:
      return new ApiStatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request (injected)', { retryAfterSeconds: fault.retryAfterSeconds ?? 1 });
    case 500:
      return internalError('injected fault');
  }
}

export class FaultInjector {
  private random: () => number;
  private errorRules: Array<Rule<ErrorFault>> = [];
  private delayRules: Array<Rule<DelayFault>> = [];
  private injectedCount = 0;

  constructor(
    seed: number,
    private readonly dropper: WatchDropper,
  ) {
    this.random = seededRandom(seed);
  }

  /** Restarts the generator, so the same sequence of requests meets the same faults. */
  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /** Fails a fraction of matching requests with the given status. */
  failRequests(fault: ErrorFault): FaultHandle {
    const rule: Rule<ErrorFault> = { fault, hits: 0 };
    this.errorRules.push(rule);
    return this.handle(rule, () => (this.errorRules = this.errorRules.filter((r) => r !== rule)));
  }

  /** Delays a fraction of matching requests before they are served. */
  delayRequests(fault: DelayFault): FaultHandle {
    const rule: Rule<DelayFault> = { fault, hits: 0 };
    this.delayRules.push(rule);
    return this.handle(rule, () => (this.delayRules = this.delayRules.filter((r) => r !== rule)));
  }

  /** Ends open watch streams (all, or those matching); clients see the connection close. Returns how many. */
  dropWatches(match: RequestMatch = {}): number {
    return this.dropper(match);
  }

  clear(): void {
    this.errorRules = [];
    this.delayRules = [];
  }

  /** Total faults injected (errors and delays) since start. */
  get injected(): number {
    return this.injectedCount;
  }

  /** What happens to this request: evaluated once per request, before it is served. */
  decide(request: FaultRequest): FaultDecision {
    let delayMs = 0;
    for (const rule of this.delayRules) {
      if (this.fires(rule, request)) delayMs += rule.fault.delayMs;
    }
    for (const rule of this.errorRules) {
      if (this.fires(rule, request)) return { delayMs, error: errorFor(rule.fault, request) };
    }
    return { delayMs, error: undefined };
  }

  private fires(rule: Rule<ErrorFault | DelayFault>, request: FaultRequest): boolean {
    const { fault } = rule;
    if (fault.times !== undefined && rule.hits >= fault.times) return false;
    if (!matchesRequest(fault, request)) return false;
    if (this.random() >= (fault.fraction ?? 1)) return false;
    rule.hits += 1;
    this.injectedCount += 1;
    return true;
  }

  private handle(rule: Rule<unknown>, remove: () => void): FaultHandle {
    return {
      get hits() {
        return rule.hits;
      },
      remove,
    };
  }
}
