import { describe, expect, it } from 'vitest';
import { COMMAND_REASON_MAX_LENGTH } from '../../resources/rollout.js';
import { REASON_MAX_LENGTH, commandReasons, commandRequest } from './rollout-commands.js';

const STATE = 'phase is Degraded: step 2 analysis failed';

describe('the reasons shown beside disabled buttons', () => {
  it('says a refusal that every button shares once (RBAC, a pending command)', () => {
    const rbac = { allowed: false, reason: 'bob may not update rollouts/status "web" in namespace "shop": RBAC: no rule' };
    const reasons = commandReasons({ promote: rbac, 'promote-full': rbac, abort: rbac, retry: rbac, pause: rbac, resume: rbac });
    expect(reasons).toEqual({ perAction: {}, shared: rbac.reason });
  });

  it('keeps each command its own condition and says the state they all end with once', () => {
    const reasons = commandReasons({
      promote: { allowed: false, reason: `promote applies only while a rollout waits at a pause; ${STATE}` },
      abort: { allowed: false, reason: `abort applies only to a progressing or paused rollout; ${STATE}` },
      retry: { allowed: true },
    });
    expect(reasons).toEqual({
      perAction: { promote: 'promote applies only while a rollout waits at a pause', abort: 'abort applies only to a progressing or paused rollout' },
      shared: STATE,
    });
  });

  it('shows whole reasons when they share nothing, or when one button alone is disabled', () => {
    const apart = commandReasons({ promote: { allowed: false, reason: 'a; b' }, abort: { allowed: false, reason: 'c; d' } });
    expect(apart).toEqual({ perAction: { promote: 'a; b', abort: 'c; d' } });
    expect(commandReasons({ pause: { allowed: false, reason: 'pause does not apply: already paused' }, resume: { allowed: true } })).toEqual({ perAction: { pause: 'pause does not apply: already paused' } });
    expect(commandReasons(undefined)).toEqual({ perAction: {} });
  });
});

describe('the request a command is', () => {
  it('sends promote-full as promote with full, and the abort reason trimmed', () => {
    expect(commandRequest('shop', 'web', 'promote-full')).toEqual({ path: '/api/v1/namespaces/shop/rollouts/web/promote', body: { full: true } });
    expect(commandRequest('shop', 'web', 'abort', '  bad canary ')).toEqual({ path: '/api/v1/namespaces/shop/rollouts/web/abort', body: { reason: 'bad canary' } });
    expect(commandRequest('shop', 'web', 'abort', '  ')).toEqual({ path: '/api/v1/namespaces/shop/rollouts/web/abort', body: undefined });
  });

  it('limits the abort reason as the API does', () => {
    expect(REASON_MAX_LENGTH).toBe(COMMAND_REASON_MAX_LENGTH);
  });
});
