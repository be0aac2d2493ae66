import { describe, expect, it } from 'vitest';
import { errorFromBody } from './api-client.js';

describe('an API error answer', () => {
  it('keeps the status, code and message the server sent', () => {
    const error = errorFromBody(409, 'Conflict', '{"error":{"code":"Conflict","message":"rollout is Healthy: nothing to promote","requestId":"r1"}}');
    expect([error.status, error.code, error.message, error.requestId]).toEqual([409, 'Conflict', 'rollout is Healthy: nothing to promote', 'r1']);
  });

  it('still says what happened when the body is not the API\'s', () => {
    const error = errorFromBody(502, 'Bad Gateway', '<html>');
    expect([error.status, error.code, error.message]).toEqual([502, 'HttpError', 'HTTP 502 Bad Gateway']);
    expect(errorFromBody(401, '', '').unauthorized).toBe(true);
  });
});
