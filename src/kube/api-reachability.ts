// Whether the Kubernetes API answers and accepts our credentials, told as one summary line: when a problem starts,
// again at most once a minute while it lasts, and when it ends. Without it an unreachable server or a rejected token
// shows as a warning per informer per retry, forever, and the cause drowns in them.
import type { Logger } from '../logger.js';
import { VaneError } from '../errors.js';
import { KubeApiError } from './kube-api-error.js';

/** What the transport reports after each request: an answer, or a failure to get one (or a 401). */
export interface ReachabilityObserver {
  answered(): void;
  failed(err: unknown): void;
  /** True while a problem is being reported, so other components can stay quiet about the same cause. */
  readonly reporting: boolean;
}

export type ApiProblemKind = 'unreachable' | 'unauthorized';

export interface ApiReachabilityOptions {
  /** The API server's URL, for the message. */
  server: string;
  /** Where the credentials came from (`kubeconfig /path`), for the 401 message. */
  credentials?: string;
  logger: Logger;
  /** How often a lasting problem is logged again (default 60 s). */
  repeatMs?: number;
  now?: () => number;
}

/** A failure this summary speaks for: no answer at all (connection, DNS, TLS, timeout), or 401 Unauthorized. */
export function reachabilityProblem(err: unknown): ApiProblemKind | undefined {
  if (err instanceof KubeApiError) return err.status === 401 ? 'unauthorized' : undefined;
  if (err instanceof VaneError && (err.code === 'Unavailable' || err.code === 'Timeout')) return 'unreachable';
  return undefined;
}

export class ApiReachability implements ReachabilityObserver {
  private problem: { kind: ApiProblemKind; detail: string; since: number; failures: number; loggedAt: number } | undefined;
  private readonly now: () => number;
  private readonly repeatMs: number;

  constructor(private readonly options: ApiReachabilityOptions) {
    this.now = options.now ?? Date.now;
    this.repeatMs = options.repeatMs ?? 60_000;
  }

  get reporting(): boolean {
    return this.problem !== undefined;
  }

  answered(): void {
    const problem = this.problem;
    if (!problem) return;
    this.problem = undefined;
    const seconds = Math.round((this.now() - problem.since) / 1000);
    this.options.logger.info({ server: this.options.server, afterSeconds: seconds, failedRequests: problem.failures }, `the Kubernetes API at ${this.options.server} answers again`);
  }

  failed(err: unknown): void {
    const kind = reachabilityProblem(err);
    if (!kind) return;
    const detail = detailOf(err);
    const now = this.now();
    const problem = this.problem;
    if (problem?.kind === kind) {
      problem.failures++;
      problem.detail = detail;
      if (now - problem.loggedAt < this.repeatMs) return;
      problem.loggedAt = now;
      this.log(`${this.sentence(kind, detail)}; still retrying (${problem.failures} requests failed in ${Math.round((now - problem.since) / 1000)}s)`, problem.failures);
      return;
    }
    this.problem = { kind, detail, since: now, failures: 1, loggedAt: now };
    this.log(`${this.sentence(kind, detail)}; retrying (this repeats at most every ${Math.round(this.repeatMs / 1000)}s while it lasts)`, 1);
  }

  private sentence(kind: ApiProblemKind, detail: string): string {
    const { server, credentials } = this.options;
    if (kind === 'unauthorized') {
      return `the Kubernetes API at ${server} rejects the credentials${credentials ? ` from ${credentials}` : ''} (401 Unauthorized: the token or client certificate is wrong or expired)`;
    }
    return `cannot reach the Kubernetes API at ${server}: ${detail}`;
  }

  private log(message: string, failures: number): void {
    this.options.logger.error({ server: this.options.server, failedRequests: failures }, message);
  }
}

/** The cause without the request line: `connect ECONNREFUSED 127.0.0.1:6443`, not `GET /api/v1/pods: connect ...`. */
function detailOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && !(err instanceof KubeApiError)) return cause.message;
  return message;
}
