// Field-level validation errors: what is wrong, and where in the object, in kubectl's path style.
import { VaneError } from '../errors.js';

export interface FieldError {
  /** Dotted path with list indices, e.g. `spec.strategy.canary.steps[2].setWeight`. */
  path: string;
  message: string;
}

/**
 * One line per error: `spec.strategy.canary.steps[2].setWeight: must be between 0 and 100`.
 * An error about the whole object has an empty path and prints as its message alone.
 */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('\n');
}

/** A spec that failed validation; carries every field error so callers can report them all at once. */
export class InvalidSpecError extends VaneError {
  readonly fieldErrors: readonly FieldError[];

  constructor(subject: string, fieldErrors: readonly FieldError[]) {
    super('InvalidSpec', `${subject} is invalid:\n${formatFieldErrors(fieldErrors)}`);
    this.name = 'InvalidSpecError';
    this.fieldErrors = fieldErrors;
  }
}

/** Throws an InvalidSpecError when `errors` is not empty. */
export function assertNoFieldErrors(subject: string, errors: readonly FieldError[]): void {
  if (errors.length > 0) throw new InvalidSpecError(subject, errors);
}
