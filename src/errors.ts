// Typed errors: one base class with a closed set of codes, so boundaries can map them (HTTP, status).

export type VaneErrorCode =
  | 'InvalidSpec'
  | 'NotFound'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Unavailable'
  | 'Timeout'
  | 'Unauthorized'
  | 'Forbidden'
  | 'BadRequest'
  | 'RateLimited'
  | 'Internal';

/** Codes a retry can fix; everything else is terminal for the current input. */
const RETRYABLE: ReadonlySet<VaneErrorCode> = new Set(['Conflict', 'Unavailable', 'Timeout', 'RateLimited']);

export class VaneError extends Error {
  readonly code: VaneErrorCode;

  constructor(code: VaneErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VaneError';
    this.code = code;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** Thrown by a reconcile for what retrying cannot fix (a bad spec, a missing referenced object). */
export class TerminalError extends VaneError {
  constructor(message: string, options?: { cause?: unknown; code?: VaneErrorCode }) {
    super(options?.code ?? 'InvalidSpec', message, options);
    this.name = 'TerminalError';
  }
}

/** Normalises anything thrown into a VaneError, keeping the original as `cause`. */
export function toVaneError(err: unknown, fallback: VaneErrorCode = 'Internal'): VaneError {
  if (err instanceof VaneError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new VaneError(fallback, message, { cause: err });
}
