// The metric provider ports: a query (one measurement is one request) or a resumable workload (a Job). One file per provider.
import type { Metric } from '../resources/analysis.js';
import { VaneError, type VaneErrorCode } from '../errors.js';

/** Reads one key of a Secret in the run's namespace; throws a MetricError('NotFound') when it is missing. */
export type SecretReader = (namespace: string, name: string, key: string) => Promise<string>;

export interface MeasureContext {
  /** The run's namespace (for Secrets referenced by headers and tokens). */
  namespace: string;
  /** Arguments resolved to values; `{{args.x}}` placeholders in the metric are substituted with these. */
  args: Readonly<Record<string, string>>;
  secrets: SecretReader;
  /** Aborted when the run is terminated or the controller stops. */
  signal?: AbortSignal;
}

/**
 * What one measurement returned. `result` is what CEL conditions see as `result`:
 * a number for a scalar, an array of numbers for a vector / matrix (one per series; the last
 * sample for range queries), or any JSON value for the web provider. `text` is how status shows it.
 */
export interface MeasuredValue {
  result: unknown;
  text: string;
  /**
   * The text is structured (the judge's JSON reasoning) and must be kept whole rather than cut to the usual bound;
   * the provider bounds its size itself.
   */
  whole?: boolean;
}

/** Why a measurement could not be taken. Measurements that fail this way are `Error`, never `Failed`. */
export type MetricErrorCode =
  | 'Unavailable' // backend down, connection refused, 5xx
  | 'Timeout' // per-query timeout passed
  | 'BadQuery' // the backend rejected the query (PromQL syntax, unknown function)
  | 'BadResponse' // an answer we cannot read (wrong JSON shape, JSON path not found)
  | 'Unauthorized' // 401/403 from the backend
  | 'NotFound'; // a referenced Secret or key is missing

const TO_VANE: Record<MetricErrorCode, VaneErrorCode> = {
  Unavailable: 'Unavailable',
  Timeout: 'Timeout',
  BadQuery: 'InvalidSpec',
  BadResponse: 'Unavailable',
  Unauthorized: 'Unauthorized',
  NotFound: 'NotFound',
};

export class MetricError extends VaneError {
  readonly metricCode: MetricErrorCode;

  constructor(metricCode: MetricErrorCode, message: string, options?: { cause?: unknown }) {
    super(TO_VANE[metricCode], message, options);
    this.name = 'MetricError';
    this.metricCode = metricCode;
  }
}

/** A query provider: a measurement is one request and its answer, taken within one pass. */
export interface MetricProvider {
  readonly type: 'prometheus' | 'web' | 'judge';
  /** Takes one measurement. Throws MetricError for anything that is not a value. */
  measure(metric: Metric, context: MeasureContext): Promise<MeasuredValue>;
}

/** The run a resumable measurement belongs to: what it is owned by and named after. */
export interface RunIdentity {
  name: string;
  namespace: string;
  uid: string;
}

export interface ResumeContext extends MeasureContext {
  run: RunIdentity;
  /** The current time (epoch ms); providers never read the clock. */
  now: number;
}

/** What a look at a running measurement found: still running (look again later), or ended with a verdict. */
export type MeasurementProgress =
  | { phase: 'Running'; resumeAfterMs: number }
  | { phase: 'Successful' | 'Failed' | 'Inconclusive'; message?: string };

/**
 * A provider whose measurement outlives a pass (Argo's Run / Resume / Terminate / GarbageCollect): it is started
 * once, looked at on later passes until it ends, and stopped when the run no longer needs it. What the provider needs
 * to find it again is kept in the measurement's `metadata` in status, so a restarted controller resumes it.
 */
export interface ResumableMetricProvider {
  readonly type: 'job';
  /** Starts measurement number `index` (1-based, unique within the metric); returns the metadata to keep. */
  start(metric: Metric, context: ResumeContext, index: number): Promise<Record<string, string>>;
  /** Looks at a started measurement. Throws MetricError('NotFound') when what it started is gone. */
  resume(metadata: Readonly<Record<string, string>>, context: ResumeContext, startedAtMs: number): Promise<MeasurementProgress>;
  /** Stops a measurement still running; idempotent. */
  terminate(metadata: Readonly<Record<string, string>>, context: ResumeContext): Promise<void>;
  /** Removes what a finished measurement left behind, once status no longer keeps that measurement; idempotent. */
  release(metadata: Readonly<Record<string, string>>, context: ResumeContext): Promise<void>;
}

export type AnyMetricProvider = MetricProvider | ResumableMetricProvider;

export function isResumable(provider: AnyMetricProvider): provider is ResumableMetricProvider {
  return provider.type === 'job';
}
