// How field errors print, type by type, and how a 422 Status message lists them.
import { describe, expect, it } from 'vitest';
import { causeReason, duplicate, fieldError, forbidden, formatFieldErrors, invalid, notSupported, required, tooLong, tooMany } from './field-error.js';

describe('given each field error type', () => {
  it('then each prints like apimachinery field.Error', () => {
    expect(required('spec.name').message).toBe('spec.name: Required value');
    expect(required('spec.items', 'must be specified').message).toBe('spec.items: Required value: must be specified');
    expect(invalid('spec.x', 'a', 'bad').message).toBe('spec.x: Invalid value: "a": bad');
    expect(invalid('spec.x', 1.5, 'bad').message).toBe('spec.x: Invalid value: 1.5: bad');
    expect(invalid('spec.x', null, 'bad').message).toBe('spec.x: Invalid value: null: bad');
    expect(notSupported('spec.x', 'c', ['a', 'b']).message).toBe('spec.x: Unsupported value: "c": supported values: "a", "b"');
    expect(tooMany('spec.x', 5, 3).message).toBe('spec.x: Too many: 5: must have at most 3 items');
    expect(tooLong('spec.x', 10).message).toBe('spec.x: Too long: may not be more than 10 bytes');
    expect(duplicate('spec.x[1]', 'a').message).toBe('spec.x[1]: Duplicate value: "a"');
    expect(forbidden('spec.x', 'not allowed').message).toBe('spec.x: Forbidden: not allowed');
  });

  it('then the body is the message without its path, as Status causes carry it', () => {
    const e = fieldError('Invalid', 'spec.x', 'a', 'bad');
    expect(e.body).toBe('Invalid value: "a": bad');
    expect(e.path).toBe('spec.x');
  });

  it('then each type maps to its Status cause reason', () => {
    expect(causeReason('Required')).toBe('FieldValueRequired');
    expect(causeReason('Unsupported value')).toBe('FieldValueNotSupported');
    expect(causeReason('Duplicate')).toBe('FieldValueDuplicate');
  });
});

describe('given errors of an object', () => {
  it('when there is one, then the Status message has no brackets', () => {
    expect(formatFieldErrors('Rollout.vane.dev', 'web', [required('spec.name')])).toBe('Rollout.vane.dev "web" is invalid: spec.name: Required value');
  });

  it('when there are several, then they are bracketed and comma-separated', () => {
    expect(formatFieldErrors('Rollout.vane.dev', 'web', [required('a'), required('b')])).toBe(
      'Rollout.vane.dev "web" is invalid: [a: Required value, b: Required value]',
    );
  });
});
