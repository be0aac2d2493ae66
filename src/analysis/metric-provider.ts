// The MetricProvider port: one measurement of one metric against a metrics backend. One file per provider.
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

export interface MetricProvider {
  readonly type: 'prometheus' | 'web';
  /** Takes one measurement. Throws MetricError for anything that is not a value. */
  measure(metric: Metric, context: MeasureContext): Promise<MeasuredValue>;
}
