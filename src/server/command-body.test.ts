import { describe, expect, it } from 'vitest';
import { commandAction, commandRequest } from './command-body.js';

describe('commandAction', () => {
  it('maps promote with {"full": true} to promote-full, and an absent or empty body to the verb itself', () => {
    expect(commandAction('promote', { full: true })).toBe('promote-full');
    expect(commandAction('promote', { full: false })).toBe('promote');
    expect(commandAction('promote', undefined)).toBe('promote');
    expect(commandAction('abort', {})).toBe('abort');
  });

  it.each([
    ['promote', { full: 'yes' }, 'full: must be a boolean'],
    ['promote', { fulll: true }, 'fulll: unknown field for promote (known: full)'],
    ['abort', { full: true }, 'full: unknown field for abort (known: reason)'],
    ['abort', { reason: 42 }, 'reason: must be a string'],
    ['abort', { reason: '  ' }, 'reason: must not be empty'],
    ['abort', { reason: 'x'.repeat(513) }, 'reason: at most 512 characters; got 513'],
    ['retry', { reason: 'again' }, 'reason: unknown field for retry (it takes no body)'],
    ['pause', [1, 2], 'body: must be a JSON object'],
  ] as const)('given %s with %j, then the error names the field: %s', (verb, body, message) => {
    expect(() => commandAction(verb, body)).toThrowError(message);
  });

  it('given abort with a reason, then the reason comes with the action, trimmed', () => {
    expect(commandRequest('abort', { reason: ' error rate doubled in eu-west ' })).toEqual({ action: 'abort', reason: 'error rate doubled in eu-west' });
    expect(commandRequest('abort', {})).toEqual({ action: 'abort' });
  });
});
