// The one place where errors become HTTP answers: VaneError codes map to status codes and a `{error: {code, message}}`
// body; anything else thrown is normalised to Internal without leaking its details. What the cluster or the network
// said (which names the API server's address and paths) goes to the log, never into an answer.
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

/**
 * An error raised by the API itself, whose message is written for the caller; also when the answer needs more than
 * the code gives (413, Retry-After). Details meant for the operator go in `cause`, which is logged, not answered.
 */
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

/** Said instead of a message that may carry what the caller must not see (a server fault, the cluster's words). */
const WITHHELD: Partial<Record<VaneErrorCode, string>> = {
  Internal: 'internal error',
  Unavailable: 'a service this API depends on is unavailable; retry later',
  Timeout: 'a service this API depends on did not answer in time; retry later',
};

/**
 * The message a caller reads. The API's own errors (ApiError) and its 4xx verdicts speak for themselves; a fault
 * (5xx) raised elsewhere, or anything the cluster answered, may quote an upstream URL, so it gets a generic message.
 */
export function clientMessage(err: VaneError): string {
  if (err.code === 'Internal') return 'internal error';
  if (err instanceof ApiError) return err.message;
  if (err instanceof KubeApiError) return WITHHELD[err.code] ?? `the cluster refused the request (${err.status} ${err.reason})`;
  if (httpStatusFor(err) >= 500) return WITHHELD[err.code] ?? 'internal error';
  return err.message;
}

/** Writes the error answer; the details withheld from the caller are the error handler's to log. */
export function sendError(res: Response, err: VaneError, requestId?: string): void {
  const status = httpStatusFor(err);
  if (err instanceof ApiError && err.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  }
  const body: ErrorBody = { error: { code: err.code, message: clientMessage(err), ...(requestId ? { requestId } : {}) } };
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

/** The router could not decode a path parameter (`%E0%A4%A`): the caller's mistake, not a fault. */
function fromRouter(err: unknown): VaneError | undefined {
  if (!(err instanceof URIError)) return undefined;
  return new ApiError('BadRequest', 'path: malformed percent-encoding (a "%" must start a UTF-8 byte written as two hex digits)', { cause: err });
}

/**
 * The cluster refusing the server's own request (its service account lacks a permission, a malformed patch) is the
 * server's fault, not the caller's: answer 502 rather than pass a 403 or 400 through as if the caller had erred.
 */
function fromBackend(err: unknown): VaneError | undefined {
  if (!(err instanceof KubeApiError)) return undefined;
  if (err.code === 'Unauthorized' || err.code === 'Forbidden' || err.code === 'BadRequest' || err.code === 'InvalidSpec') {
    return new ApiError('Unavailable', `the cluster refused the API server's own request (${err.status} ${err.reason}); the server log has the details`, { httpStatus: 502, cause: err });
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
    const error = fromBodyParser(err, bodyLimitBytes) ?? fromRouter(err) ?? fromBackend(err) ?? toVaneError(err);
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    if (error.code === 'Internal' || httpStatusFor(error) >= 500) {
      logger.error({ requestId, code: error.code, err: error.message, causes: causesOf(error) }, 'request failed');
    } else if (clientMessage(error) !== error.message) {
      logger.warn({ requestId, code: error.code, err: error.message, causes: causesOf(error) }, 'request refused by the cluster');
    }
    sendError(res, error, requestId);
  };
}

/** The messages down an error's `cause` chain, for the log (the answer withholds them). */
function causesOf(err: Error): string[] | undefined {
  const messages: string[] = [];
  for (let cause = err.cause; cause !== undefined && messages.length < 5; cause = (cause as { cause?: unknown }).cause) {
    messages.push(cause instanceof Error ? cause.message : String(cause));
    if (!(cause instanceof Error)) break;
  }
  return messages.length > 0 ? messages : undefined;
}
