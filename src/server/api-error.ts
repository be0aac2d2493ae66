// The one place where errors become HTTP answers: VaneError codes map to status codes and a `{error: {code, message}}`
// body; anything else thrown is normalised to Internal without leaking its details.
import type { ErrorRequestHandler, Response } from 'express';
import { VaneError, toVaneError, type VaneErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { KubeApiError } from '../kube/kube-api-error.js';

const STATUS_BY_CODE: Record<VaneErrorCode, number> = {
  BadRequest: 400,
  InvalidSpec: 422,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  AlreadyExists: 409,
  RateLimited: 429,
  Internal: 500,
  Unavailable: 503,
  Timeout: 504,
};

export interface ErrorBody {
  error: { code: VaneErrorCode; message: string; requestId?: string };
}

/** An error raised by the API itself, when the answer needs more than the code gives (413, Retry-After). */
export class ApiError extends VaneError {
  readonly httpStatus: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: VaneErrorCode, message: string, options: { httpStatus?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.name = 'ApiError';
    this.httpStatus = options.httpStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function httpStatusFor(err: VaneError): number {
  if (err instanceof ApiError && err.httpStatus !== undefined) return err.httpStatus;
  return STATUS_BY_CODE[err.code];
}

/** Writes the error answer; Internal errors get a generic message (the detail goes to the log). */
export function sendError(res: Response, err: VaneError, requestId?: string): void {
  const status = httpStatusFor(err);
  if (err instanceof ApiError && err.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  }
  const message = err.code === 'Internal' ? 'internal error' : err.message;
  const body: ErrorBody = { error: { code: err.code, message, ...(requestId ? { requestId } : {}) } };
  res.status(status).json(body);
}

/** Errors body-parser raises carry `type` and `status`; translate them before they reach the generic mapping. */
function fromBodyParser(err: unknown, bodyLimitBytes: number): VaneError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') {
    return new ApiError('BadRequest', `request body exceeds ${bodyLimitBytes} bytes`, { httpStatus: 413, cause: err });
  }
  if (type === 'entity.parse.failed') return new VaneError('BadRequest', 'request body is not valid JSON', { cause: err });
  if (typeof type === 'string' && type.startsWith('encoding.')) return new VaneError('BadRequest', 'unsupported request body encoding', { cause: err });
  return undefined;
}

/**
 * The cluster refusing the server's own request (its service account lacks a permission, a malformed patch) is the
 * server's fault, not the caller's: answer 502 rather than pass a 403 or 400 through as if the caller had erred.
 */
function fromBackend(err: unknown): VaneError | undefined {
  if (!(err instanceof KubeApiError)) return undefined;
  if (err.code === 'Unauthorized' || err.code === 'Forbidden' || err.code === 'BadRequest' || err.code === 'InvalidSpec') {
    return new ApiError('Unavailable', `the cluster refused the API server's request: ${err.message}`, { httpStatus: 502, cause: err });
  }
  return undefined;
}

/** The final express error handler. */
export function errorHandler(logger: Logger, bodyLimitBytes: number): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = fromBodyParser(err, bodyLimitBytes) ?? fromBackend(err) ?? toVaneError(err);
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    if (error.code === 'Internal' || httpStatusFor(error) >= 500) {
      logger.error({ requestId, code: error.code, err: error.message }, 'request failed');
    }
    sendError(res, error, requestId);
  };
}
