// The error a patch application raises, carrying the HTTP status and Status reason the apiserver answers with.
import { VaneError } from '../../errors.js';
import type { VaneErrorCode } from '../../errors.js';

/**
 * 400 `BadRequest`: the patch body itself is malformed (not JSON, not a list of operations, a bad directive).
 * 422 `Invalid`: a well-formed patch does not apply to this object (a failed `test`, a missing path); the
 * apiserver then says only "the server rejected our request due to an error in our request" and puts the
 * patch library's words in `details.causes[0].message`.
 * 415 `UnsupportedMediaType`: strategic merge patch sent for a kind without patch metadata (custom resources).
 * 500 with no reason: strategic merge patch errors the apiserver does not classify (a missing merge key).
 */
export type PatchErrorStatus = 400 | 415 | 422 | 500;

const UNPROCESSABLE_MESSAGE = 'the server rejected our request due to an error in our request';

const STATUS_REASONS: Record<PatchErrorStatus, string> = {
  400: 'BadRequest',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: '',
};
const VANE_CODES: Record<PatchErrorStatus, VaneErrorCode> = {
  400: 'BadRequest',
  415: 'BadRequest',
  422: 'InvalidSpec',
  500: 'Internal',
};

export class PatchError extends VaneError {
  /** The HTTP status the apiserver answers with. */
  readonly status: PatchErrorStatus;
  /** The Status `reason` ('' where the apiserver leaves it unset). */
  readonly reason: string;
  /** What the Status `message` says. */
  readonly statusMessage: string;
  /** The patch library's own description of the failure (this error's `message` too). */
  readonly detail: string;

  constructor(status: PatchErrorStatus, detail: string, options?: { cause?: unknown }) {
    super(VANE_CODES[status], detail, options);
    this.name = 'PatchError';
    this.status = status;
    this.reason = STATUS_REASONS[status];
    this.detail = detail;
    this.statusMessage = status === 422 ? UNPROCESSABLE_MESSAGE : detail;
  }
}

export function badPatch(detail: string): PatchError {
  return new PatchError(400, detail);
}

export function unprocessablePatch(detail: string): PatchError {
  return new PatchError(422, detail);
}
