// The apiserver's metav1.Status failures: one error class the sandbox throws, rendered as the real API renders it.
import { VaneError, type VaneErrorCode } from '../errors.js';
import { PatchError } from './patch/patch-error.js';
import type { SchemaError } from './schema/structural-schema.js';
import { causeReason, formatFieldErrors } from './schema/structural-schema.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Gone'
  | 'Expired'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'TooManyRequests'
  | 'RequestEntityTooLarge'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A Status without a reason: what the apiserver answers for errors it does not classify. */
export type NoReason = '';

/** The resource an error is about, as Status details name it (`kind` is the plural, except for Invalid). */
export interface ErrorSubject {
  group: string;
  resource: string;
  name: string;
}

const VANE_CODES: Record<StatusReason, VaneErrorCode> = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Invalid: 'InvalidSpec',
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  Gone: 'Conflict',
  Expired: 'Conflict',
  MethodNotAllowed: 'BadRequest',
  UnsupportedMediaType: 'BadRequest',
  NotAcceptable: 'BadRequest',
  TooManyRequests: 'RateLimited',
  RequestEntityTooLarge: 'BadRequest',
  InternalError: 'Internal',
  ServiceUnavailable: 'Unavailable',
  Timeout: 'Timeout',
};

/** A failure the sandbox answers with a Status body; `code` is the HTTP status. */
export class ApiStatusError extends VaneError {
  readonly httpCode: number;
  readonly reason: StatusReason | NoReason;
  readonly details: StatusDetails | undefined;

  constructor(httpCode: number, reason: StatusReason | NoReason, message: string, details?: StatusDetails) {
    super(reason === '' ? 'Internal' : VANE_CODES[reason], message);
    this.name = 'ApiStatusError';
    this.httpCode = httpCode;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): StatusBody {
    const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: this.httpCode };
    if (this.reason !== '') body.reason = this.reason;
    if (this.details) body.details = this.details;
    return body;
  }
}

/** `deployments.apps`, or `pods` for the core group: how the apiserver names a resource in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

function subjectDetails(subject: ErrorSubject): StatusDetails {
  const details: StatusDetails = { name: subject.name, kind: subject.resource };
  if (subject.group !== '') details.group = subject.group;
  return details;
}

export function notFound(subject: ErrorSubject): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', `${qualifiedResource(subject.group, subject.resource)} "${subject.name}" not found`, subjectDetails(subject));
}

export function alreadyExists(subject: ErrorSubject): ApiStatusError {
  return new ApiStatusError(409, 'AlreadyExists', `${qualifiedResource(subject.group, subject.resource)} "${subject.name}" already exists`, subjectDetails(subject));
}

export function conflict(subject: ErrorSubject, detail = 'the object has been modified; please apply your changes to the latest version and try again'): ApiStatusError {
  const message = `Operation cannot be fulfilled on ${qualifiedResource(subject.group, subject.resource)} "${subject.name}": ${detail}`;
  return new ApiStatusError(409, 'Conflict', message, subjectDetails(subject));
}

/** 422 with one cause per field error; `details.kind` is the Kind here, as in the apiserver's NewInvalid. */
export function invalid(group: string, kind: string, name: string, errors: readonly SchemaError[]): ApiStatusError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const causes = errors.map((e) => ({ reason: causeReason(e.type), message: e.body, field: e.path }));
  const details: StatusDetails = { name, kind, causes };
  if (group !== '') details.group = group;
  return new ApiStatusError(422, 'Invalid', formatFieldErrors(qualifiedKind, name, errors), details);
}

export function badRequest(message: string): ApiStatusError {
  return new ApiStatusError(400, 'BadRequest', message);
}

export function forbidden(message: string, subject?: ErrorSubject): ApiStatusError {
  return new ApiStatusError(403, 'Forbidden', message, subject ? subjectDetails(subject) : undefined);
}

export function unauthorized(): ApiStatusError {
  return new ApiStatusError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): ApiStatusError {
  return new ApiStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function resourceNotFound(): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
}

export function unsupportedMediaType(accepted: readonly string[]): ApiStatusError {
  const message = `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`;
  return new ApiStatusError(415, 'UnsupportedMediaType', message);
}

/** A watch or continue token older than the history the server keeps (HTTP 410, reason Expired). */
export function expired(message: string): ApiStatusError {
  return new ApiStatusError(410, 'Expired', message);
}

export function tooManyRequests(retryAfterSeconds: number): ApiStatusError {
  return new ApiStatusError(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { retryAfterSeconds });
}

export function internalError(message: string): ApiStatusError {
  return new ApiStatusError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function requestEntityTooLarge(limitBytes: number): ApiStatusError {
  return new ApiStatusError(413, 'RequestEntityTooLarge', `the request body exceeds the limit of ${limitBytes} bytes`);
}

/** Anything thrown while serving becomes a Status; unknown errors are 500s. */
export function toApiStatusError(err: unknown): ApiStatusError {
  if (err instanceof ApiStatusError) return err;
  if (err instanceof PatchError) return fromPatchError(err);
  if (err instanceof VaneError && err.code === 'BadRequest') return badRequest(err.message);
  const status = (err as { status?: unknown } | null)?.status;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number') return statusFromCode(status, message);
  return internalError(message);
}

function fromPatchError(err: PatchError): ApiStatusError {
  if (err.status === 422) return new ApiStatusError(422, 'Invalid', err.statusMessage, { causes: [{ message: err.detail }] });
  if (err.status === 400) return new ApiStatusError(400, 'BadRequest', err.statusMessage);
  return new ApiStatusError(err.status, '', err.statusMessage);
}

function statusFromCode(code: number, message: string): ApiStatusError {
  if (code === 422) return new ApiStatusError(422, 'Invalid', message);
  if (code === 409) return new ApiStatusError(409, 'Conflict', message);
  if (code === 415) return new ApiStatusError(415, 'UnsupportedMediaType', message);
  if (code >= 400 && code < 500) return new ApiStatusError(code, 'BadRequest', message);
  return new ApiStatusError(code, 'InternalError', message);
}
