import { describe, expect, it } from 'vitest';
import { commandAction } from './command-body.js';

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
    ['abort', { full: true }, 'full: unknown field for abort (it takes no body)'],
    ['pause', [1, 2], 'body: must be a JSON object'],
  ] as const)('given %s with %j, then the error names the field: %s', (verb, body, message) => {
    expect(() => commandAction(verb, body)).toThrowError(message);
  });
});
