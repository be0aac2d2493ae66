// Errors from the Kubernetes API, mapped from HTTP status and the Status body to Vane's error codes.
import { VaneError, type VaneErrorCode } from '../errors.js';

/** The `Status` object the API server returns on failure. */
export interface ApiStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

export class KubeApiError extends VaneError {
  readonly status: number;
  readonly reason: string;
  readonly apiStatus: ApiStatus | undefined;
  /** Seconds the server asked us to wait (429 / 503 Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, apiStatus: ApiStatus | undefined, context: string, retryAfterSeconds?: number) {
    const reason = apiStatus?.reason ?? `HTTP${status}`;
    const detail = apiStatus?.message ?? `HTTP ${status}`;
    super(codeFor(status, reason), `${context}: ${detail}`);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.apiStatus = apiStatus;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function codeFor(status: number, reason: string): VaneErrorCode {
  if (status === 404) return 'NotFound';
  if (status === 409) return reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 429) return 'RateLimited';
  if (status === 504 || reason === 'Timeout') return 'Timeout';
  if (status === 400 || status === 415 || status === 422) return 'BadRequest';
  if (status >= 500) return 'Unavailable';
  return 'Internal';
}

export function isNotFound(err: unknown): boolean {
  return err instanceof VaneError && err.code === 'NotFound';
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof VaneError && err.code === 'AlreadyExists';
}

export function isConflict(err: unknown): boolean {
  return err instanceof VaneError && err.code === 'Conflict';
}
